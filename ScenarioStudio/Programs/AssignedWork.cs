using ScenarioStudio.Progress;

namespace ScenarioStudio.Programs;

public enum WorkKind { Assignment, ProgramDay }

/// <summary>One thing assigned to a learner, whatever its kind: an assignment or a program day.</summary>
public sealed record WorkItem(WorkKind Kind, string Title, string From, DateOnly DueOn, AssignmentState State, string Href, int? ScenarioId);

/// <summary>
/// The learner's one list of what is assigned, due and overdue: assignments and program days together, overdue first,
/// then by due date. A program contributes its missed days, the day due today and its next open day, until a week after
/// its last day.
/// </summary>
public sealed class AssignedWork(AssignmentService assignments, EnrolmentService enrolments)
{
    /// <summary>How long after a program's last day its missed days stay on the list.</summary>
    public const int CatchUpDays = 7;

    public async Task<IReadOnlyList<WorkItem>> ListMineAsync(CancellationToken ct = default) =>
        await ListMineAsync(await enrolments.ListMineAsync(ct), ct);

    /// <summary>The list, from the caller's programs already read (the home page shows them too).</summary>
    public async Task<IReadOnlyList<WorkItem>> ListMineAsync(IReadOnlyList<MyProgram> programs, CancellationToken ct = default)
    {
        var items = new List<WorkItem>();
        foreach (var a in await assignments.ListMineAsync(ct))
            items.Add(new WorkItem(WorkKind.Assignment, a.Scenario, a.Team, a.DueOn, a.State, $"/scenarios/{a.ScenarioId}", a.ScenarioId));
        // A program over for more than a week has left the learner's list: its missed days are history, on its own page.
        foreach (var p in programs.Where(p => p.Days[^1].Date.AddDays(CatchUpDays) >= p.Today))
        {
            var href = $"/my/programs/{p.EnrolmentId}";
            foreach (var d in p.Missed)
                items.Add(new WorkItem(WorkKind.ProgramDay, Title(p, d), p.Program, d.Date, AssignmentState.Overdue, href, d.Plan.ScenarioIds[0]));
            foreach (var d in p.DueToday)
                items.Add(new WorkItem(WorkKind.ProgramDay, Title(p, d), p.Program, d.Date, AssignmentState.Due, href, d.Plan.ScenarioIds[0]));
            if (p.Days.FirstOrDefault(d => d.Status == DayStatus.Upcoming) is { } next)
                items.Add(new WorkItem(WorkKind.ProgramDay, Title(p, next), p.Program, next.Date, AssignmentState.Due, href, next.Plan.ScenarioIds[0]));
        }
        return items.OrderBy(i => i.State switch { AssignmentState.Overdue => 0, AssignmentState.Due => 1, _ => 2 })
            .ThenBy(i => i.DueOn).ThenBy(i => i.Title).ToList();
    }

    private static string Title(MyProgram p, DayProgress d) => $"Day {d.Number} of {p.Total} — {d.Plan.Theme}";
}
