using DiffPlex;
using DiffPlex.Chunkers;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace ScenarioStudio.Scenarios;

public enum ChangeKind { Unchanged, Added, Removed, Changed, Moved }

public enum PieceKind { Same, Inserted, Deleted }

/// <summary>A run of words of a long text: kept, inserted or deleted.</summary>
public sealed record DiffPiece(string Text, PieceKind Kind);

/// <summary>One field that differs, with its values side by side and, for texts, the changed words.</summary>
public sealed record FieldDiff(string Field, string Before, string After, IReadOnlyList<DiffPiece> Pieces);

/// <summary>A phase matched by its key: added, removed, moved (its position changed) or changed (its fields differ), or both.</summary>
public sealed record PhaseDiff(string Name, ChangeKind Kind, int? FromPosition, int? ToPosition, IReadOnlyList<FieldDiff> Fields)
{
    public bool Moved => FromPosition is not null && ToPosition is not null && FromPosition != ToPosition;
}

/// <summary>
/// Two scenario documents compared field by field and phase by phase. Phases are matched by their key (by name for a
/// phase saved before phases had keys), so a moved phase shows as moved, not as every later phase changed. Changed
/// words inside texts come from DiffPlex.
/// </summary>
public sealed record ScenarioDiff(IReadOnlyList<FieldDiff> Fields, IReadOnlyList<PhaseDiff> Phases)
{
    public bool IsEmpty => Fields.Count == 0 && Phases.All(p => p.Kind == ChangeKind.Unchanged);

    public static ScenarioDiff Between(ScenarioDocument before, ScenarioDocument after) =>
        new(Compare(ScenarioFields(before), ScenarioFields(after)), ComparePhases(before.Phases, after.Phases));

    /// <summary>The changes as audit rows: one per field, phases prefixed with their name.</summary>
    public IReadOnlyList<Audit.FieldChange> ToFieldChanges() =>
        Fields.Select(f => new Audit.FieldChange(f.Field, f.Before, f.After))
            .Concat(Phases.Where(p => p.Kind != ChangeKind.Unchanged).SelectMany(p => p.Kind switch
            {
                ChangeKind.Added => [new Audit.FieldChange($"Phase “{p.Name}”", null, "added")],
                ChangeKind.Removed => [new Audit.FieldChange($"Phase “{p.Name}”", "removed", null)],
                _ => p.Fields.Select(f => new Audit.FieldChange($"Phase “{p.Name}”: {f.Field}", f.Before, f.After))
                    .Prepend(p.Moved ? new Audit.FieldChange($"Phase “{p.Name}”: position", $"{p.FromPosition + 1}", $"{p.ToPosition + 1}") : null)
                    .OfType<Audit.FieldChange>(),
            }))
            .ToList();

    private static List<PhaseDiff> ComparePhases(List<Phase> before, List<Phase> after)
    {
        static string Match(Phase p) => string.IsNullOrEmpty(p.Key) ? "name:" + p.Name.Trim().ToLowerInvariant() : p.Key;
        var old = before.Select((p, i) => (Phase: p, Index: i)).GroupBy(x => Match(x.Phase)).ToDictionary(g => g.Key, g => g.First());
        var result = new List<PhaseDiff>();
        var matched = new HashSet<string>();
        for (var i = 0; i < after.Count; i++)
        {
            var phase = after[i];
            if (old.TryGetValue(Match(phase), out var was) && matched.Add(Match(phase)))
            {
                var fields = Compare(PhaseFields(was.Phase), PhaseFields(phase));
                var kind = fields.Count > 0 ? ChangeKind.Changed : was.Index != i ? ChangeKind.Moved : ChangeKind.Unchanged;
                result.Add(new PhaseDiff(phase.Name, kind, was.Index, i, fields));
            }
            else result.Add(new PhaseDiff(phase.Name, ChangeKind.Added, null, i, Compare([], PhaseFields(phase))));
        }
        result.AddRange(old.Where(o => !matched.Contains(o.Key))
            .Select(o => new PhaseDiff(o.Value.Phase.Name, ChangeKind.Removed, o.Value.Index, null, Compare(PhaseFields(o.Value.Phase), []))));
        return result;
    }

    private static List<FieldDiff> Compare(List<(string Field, string Text)> before, List<(string Field, string Text)> after)
    {
        var old = before.ToDictionary(f => f.Field, f => f.Text);
        var fields = after.Select(f => f.Field).Concat(before.Select(f => f.Field)).Distinct();
        var now = after.ToDictionary(f => f.Field, f => f.Text);
        return fields
            .Select(f => (Field: f, Before: old.GetValueOrDefault(f, ""), After: now.GetValueOrDefault(f, "")))
            .Where(f => f.Before != f.After)
            .Select(f => new FieldDiff(f.Field, f.Before, f.After, Words(f.Before, f.After)))
            .ToList();
    }

    /// <summary>The words of two texts as kept, deleted and inserted runs (adjacent words of one kind joined).</summary>
    public static IReadOnlyList<DiffPiece> Words(string before, string after)
    {
        var model = new InlineDiffBuilder(Differ.Instance).BuildDiffModel(before, after, false, false, new WordChunker());
        var pieces = new List<DiffPiece>();
        foreach (var line in model.Lines)
        {
            var kind = line.Type switch { ChangeType.Inserted => PieceKind.Inserted, ChangeType.Deleted => PieceKind.Deleted, _ => PieceKind.Same };
            var text = line.Text ?? "";
            if (pieces.Count > 0 && pieces[^1].Kind == kind) pieces[^1] = pieces[^1] with { Text = pieces[^1].Text + text };
            else pieces.Add(new DiffPiece(text, kind));
        }
        return pieces;
    }

    /// <summary>
    /// One side of a word diff: the old text (kept and deleted runs) or the new one (kept and inserted runs), with the
    /// spaces between two changed words marked as changed too, so a changed phrase reads as one mark, not word by word.
    /// </summary>
    public static IReadOnlyList<DiffPiece> Side(IReadOnlyList<DiffPiece> pieces, bool before)
    {
        var changed = before ? PieceKind.Deleted : PieceKind.Inserted;
        var side = pieces.Where(p => p.Kind == PieceKind.Same || p.Kind == changed).ToList();
        var merged = new List<DiffPiece>();
        for (var i = 0; i < side.Count; i++)
        {
            var piece = side[i];
            var bridge = piece.Kind == PieceKind.Same && string.IsNullOrWhiteSpace(piece.Text)
                && i > 0 && side[i - 1].Kind == changed && i + 1 < side.Count && side[i + 1].Kind == changed;
            var kind = bridge ? changed : piece.Kind;
            if (merged.Count > 0 && merged[^1].Kind == kind) merged[^1] = merged[^1] with { Text = merged[^1].Text + piece.Text };
            else merged.Add(new DiffPiece(piece.Text, kind));
        }
        return merged;
    }

    private static string Lines(IEnumerable<string> items) => string.Join("\n", items.Select(i => i.Trim()).Where(i => i.Length > 0));

    private static string Cards(IEnumerable<CardField> fields) => Lines(fields.Select(f => $"{f.Label}: {f.Value}"));

    private static List<(string, string)> ScenarioFields(ScenarioDocument d) =>
    [
        ("Title", d.Title), ("Slug", d.Slug), ("Description", d.Description), ("Domain", d.Domain.ToString()), ("Category", d.Category),
        ("Difficulty", d.Difficulty.ToString()), ("XP reward", d.XpReward.ToString()), ("Tags", string.Join(", ", d.Tags)), ("Language", d.Locale),
        ("Persona: name", d.Persona.Name), ("Persona: age", d.Persona.Age?.ToString() ?? ""), ("Persona: role", d.Persona.Role),
        ("Persona: traits", Lines(d.Persona.Traits)), ("Persona: starting mood", d.Persona.StartingMood),
        ("Persona: goals", Lines(d.Persona.Goals)), ("Persona: hidden information", Lines(d.Persona.HiddenInformation)),
        ("Persona: speaking style", d.Persona.SpeakingStyle),
        // The picture by whether there is one and which: its id says nothing to a reader, a change of it does.
        ("Persona: picture", d.Persona.AvatarId is null ? "" : "picture " + d.Persona.AvatarId[..8]), ("Persona: card notes", d.Persona.CardNotes ?? ""),
        ("Learner brief", d.Context.LearnerBrief), ("Ticket card", Cards(d.Context.TicketFields)),
        ("Knowledge base", Lines(d.Context.KnowledgeBase.Select(k => $"{k.Title}: {k.Body}"))),
        ("Verification facts", Cards(d.Context.VerificationFacts)), ("Phrases shown as hints", d.Context.ShowPhrasesAsHints ? "yes" : "no"),
        ("Tone: phrases to use", Lines(d.Tone.PhrasesToUse)), ("Tone: phrases to avoid", Lines(d.Tone.PhrasesToAvoid)), ("Tone: rules", Lines(d.Tone.Rules)),
        ("Rubric", Lines(d.Rubric.Select(r => $"{r.Name} ({r.Weight}%): {r.Description}"))),
        ("AI: persona prompt", d.Ai.PersonaPrompt), ("AI: coach instructions", d.Ai.CoachInstructions),
        ("AI: temperature", d.Ai.Temperature.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture)),
        ("AI: model", d.Ai.ModelOverride ?? ""), ("AI: turns per phase", d.Ai.MaxTurns.ToString()),
    ];

    private static List<(string, string)> PhaseFields(Phase p) =>
    [
        ("Name", p.Name), ("Description", p.Description), ("Objectives", Lines(p.Objectives)), ("Key vocabulary", Lines(p.KeyVocabulary)),
        ("Essential phrases", Lines(p.EssentialPhrases)), ("Success criteria", Lines(p.SuccessCriteria)), ("Cultural notes", p.CulturalNotes),
        ("Customer opening", p.CustomerOpening), ("Follow-up objections", Lines(p.FollowUpObjections)), ("Ideal response", p.IdealResponse),
        ("Coaching notes", p.CoachingNotes), ("Common mistakes", Lines(p.CommonMistakes)), ("Minutes", p.ExpectedMinutes.ToString()),
        ("Rubric test cases", Lines(p.TestCases.Select(c => $"{c.Name} ({c.MinScore}–{c.MaxScore}): {c.Answer}"))),
    ];
}
