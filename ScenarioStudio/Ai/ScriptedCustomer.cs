using System.Security.Cryptography;
using System.Text;
using ScenarioStudio.Ai.Coach;
using ScenarioStudio.Practice;

namespace ScenarioStudio.Ai;

/// <summary>
/// The offline customer listens: it reads the learner's last answer with the coach's judgement and reacts to it.
/// It answers rudeness sharply and courtesy warmly, acknowledges what was answered, gives the verification facts the
/// learner asked for, and pushes back with the follow-up objection that fits what is still missing (rather than the
/// next one in the list). Deterministic: the same conversation gives the same line.
/// </summary>
public sealed class ScriptedCustomer(CoachJudge judge)
{
    private static readonly string[] Sharp = ["There's no need to take that tone with me.", "Excuse me? I don't appreciate being spoken to like that.",
        "Right. I'm not sure I like your attitude."];
    private static readonly string[] Warm = ["Thanks, I appreciate that.", "That's kind of you, thank you.", "Okay, thank you for being straight with me."];
    private static readonly string[] Partly = ["Okay, that part makes sense.", "Right, I follow that bit.", "Fair enough, I get that."];
    private static readonly string[] MovingOn = ["Okay, that makes sense.", "Right, that helps.", "Fair enough.", "Alright, I can work with that."];

    public string Line(CustomerRequest r)
    {
        var phase = r.Scenario.Phases[r.PhaseIndex];
        var previousPhase = r.AfterMetPhase ? r.PhaseIndex - 1 : r.PhaseIndex;
        var answer = previousPhase < 0 ? null : r.History.LastOrDefault(m => m.Speaker == Speaker.Learner && m.PhaseIndex == previousPhase)?.Text;
        var findings = answer is null ? null : judge.Read(r.Scenario, previousPhase, answer);
        var parts = new List<string>();

        if (findings is not null) parts.Add(Reaction(findings, answer!, r.Turn > 0));
        if (answer is not null) parts.Add(FactsAskedFor(r, answer));

        if (r.Turn == 0) parts.Add(phase.CustomerOpening.Trim());
        else parts.Add(Objection(r, findings));
        return string.Join(" ", parts.Where(p => p.Length > 0));
    }

    private static string Reaction(Findings f, string answer, bool pushingBack)
    {
        if (f.Rude.Count > 0) return Pick(Sharp, answer);
        if (!pushingBack) return Pick(MovingOn, answer);
        var polite = Courtesy.Politeness(f.Reading.Words) >= 0.5;
        if (f.Requirements.Any(q => q.Credit >= 0.6)) return Pick(Partly, answer);
        return polite ? Pick(Warm, answer) : "";
    }

    /// <summary>The verification facts the learner asked for ("your full name and postcode"), once per session.</summary>
    private static string FactsAskedFor(CustomerRequest r, string answer)
    {
        var facts = r.Scenario.Context.VerificationFacts;
        if (facts.Count == 0) return "";
        var words = Text.Words(answer);
        var asked = facts.Where(f => Text.ContainsFuzzy(words, Text.Words(f.Label))).ToList();
        if (asked.Count == 0 && new[] { "verify", "security", "identity" }.Any(w => words.Contains(w))) asked = facts.ToList();
        var said = string.Join(" ", r.History.Where(m => m.Speaker == Speaker.Customer).Select(m => m.Text));
        asked = asked.Where(f => !said.Contains(f.Value, StringComparison.OrdinalIgnoreCase)).ToList();
        return asked.Count == 0 ? "" : "It's " + string.Join(", ", asked.Select(f => $"{f.Label.ToLowerInvariant()} {f.Value}")) + ".";
    }

    /// <summary>
    /// The objection closest in meaning to what the answer still misses, and to what the learner said, that the
    /// customer has not raised yet; the authored order breaks ties and is the fallback.
    /// </summary>
    private string Objection(CustomerRequest r, Findings? f)
    {
        var material = judge.Material(r.Scenario, r.PhaseIndex);
        if (material.Objections.Count == 0) return "I'm still not convinced. What exactly would you do for me?";
        var said = r.History.Where(m => m.Speaker == Speaker.Customer && m.PhaseIndex == r.PhaseIndex).Select(m => m.Text).ToList();
        var fresh = material.Objections
            .Select((o, i) => (o.Text, o.Vector, i))
            .Where(o => !said.Any(s => s.Contains(o.Text, StringComparison.Ordinal)))
            .ToList();
        if (fresh.Count == 0) return material.Objections[(r.Turn - 1) % material.Objections.Count].Text;
        if (f is null) return fresh[0].Text;
        var missed = f.Requirements.Where(q => q.Credit < 0.5).Select(q => q.Requirement).ToList();
        var sentences = f.Reading.Evidence.Select(s => s.Vector).ToList();
        // What the learner just said weighs most (the customer answers it), then what is still missing.
        double Fit((string Text, float[] Vector, int Index) o) =>
            sentences.Select(s => CoachJudge.Sim(o.Vector, s)).DefaultIfEmpty(0).Max()
            + 0.6 * missed
                .Select(q => Math.Max(CoachJudge.Sim(o.Vector, q.Vector), q.Anchor >= 0 ? CoachJudge.Sim(o.Vector, material.Ideal[q.Anchor].Vector) : 0))
                .DefaultIfEmpty(0)
                .Max()
            - 0.01 * o.Index;
        return fresh.MaxBy(Fit).Text;
    }

    private static string Pick(string[] lines, string seed) =>
        lines[BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(seed)), 0) % (uint)lines.Length];
}
