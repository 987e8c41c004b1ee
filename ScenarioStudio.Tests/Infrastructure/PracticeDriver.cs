using ScenarioStudio.Practice;

namespace ScenarioStudio.Tests.Infrastructure;

public static class PracticeDriver
{
    /// <summary>Plays a session to its end through the real service: AI turns streamed, learner turns answered by <paramref name="answer"/>.</summary>
    public static async Task<SessionView> CompleteAsync(this PracticeService practice, Guid id, Func<SessionView, string> answer)
    {
        for (var view = await practice.GetAsync(id); ; view = await practice.GetAsync(id))
        {
            if (view.Stage == SessionStage.Completed) return view;
            if (view.AiTurnDue) await foreach (var _ in practice.StreamAiTurnAsync(id)) { }
            else await practice.SubmitAsync(id, answer(view));
        }
    }
}
