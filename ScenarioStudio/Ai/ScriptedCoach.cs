using ScenarioStudio.Practice;

namespace ScenarioStudio.Ai;

/// <summary>The offline coach's voice: its judgement (<see cref="Coach.CoachJudge"/>) told as prose.</summary>
public static class ScriptedCoach
{
    /// <summary>The coach's feedback as prose, streamed to the learner before the score card appears.</summary>
    public static string Narrate(Assessment a, int? firstScore)
    {
        var lines = new List<string>
        {
            firstScore is { } first ? $"Repeat scored {a.Overall}/100 (first try {first}/100)." : $"Score: {a.Overall}/100.",
        };
        if (a.WentWell.Count > 0) lines.Add("What went well: " + string.Join(" ", a.WentWell));
        if (a.ToImprove.Count > 0) lines.Add("To improve: " + string.Join(" ", a.ToImprove));
        if (!string.IsNullOrWhiteSpace(a.BetterVersion)) lines.Add("A better version: " + a.BetterVersion.Trim());
        if (firstScore is null) lines.Add("Now say it again in your own words.");
        return string.Join("\n\n", lines);
    }
}
