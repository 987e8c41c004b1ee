using ScenarioStudio.Scenarios;
using static ScenarioStudio.Bench.Search.Vocabulary;

namespace ScenarioStudio.Bench.Search;

/// <summary>One benchmark search: what a user types plus optional filters; <see cref="Kind"/> groups the figures.</summary>
public sealed record BenchQuery(string Kind, string Text, ScenarioDomain? Domain = null, ScenarioStatus? Status = null)
{
    public ScenarioQuery ToScenarioQuery() => new(Search: Text, Domain: Domain, Status: Status);

    public override string ToString() =>
        $"{Kind,-10} \"{Text}\"{(Domain is { } d ? $" domain={d}" : "")}{(Status is { } s ? $" status={s}" : "")}";
}

/// <summary>Deterministic, varied searches: common and rare words, pairs, prefixes, phase-only words, filters.</summary>
public static class SearchQueries
{
    /// <summary>Keys of the phase JSON: a LIKE over the Content column would match these, so queries avoid them.</summary>
    private static readonly string[] JsonKeys =
    [
        "name", "description", "objectives", "keyvocabulary", "essentialphrases", "successcriteria", "culturalnotes",
        "customeropening", "followupobjections", "idealresponse", "coachingnotes", "commonmistakes", "expectedminutes",
    ];

    public static IReadOnlyList<BenchQuery> Create(int count, int seed)
    {
        var r = new Random(seed);
        var mix = Mix(r);
        var total = mix.Sum(m => m.Share);
        var queries = new List<BenchQuery>(count);
        foreach (var (_, share, make) in mix)
        {
            var n = (int)Math.Round((double)share * count / total);
            for (var i = 0; i < n && queries.Count < count; i++) queries.Add(make());
        }
        while (queries.Count < count) queries.Add(mix[0].Make());
        return [.. queries.OrderBy(_ => r.Next())];
    }

    /// <summary>One query of every kind, so each query shape EF compiles (no filter, Domain, Status) is warm.</summary>
    public static IReadOnlyList<BenchQuery> WarmUps(int seed) => [.. Mix(new Random(seed)).Select(m => m.Make())];

    private static (string Kind, int Share, Func<BenchQuery> Make)[] Mix(Random r)
    {
        var domains = Enum.GetValues<ScenarioDomain>();
        string Topic(int from, int to) => Topics[domains[r.Next(domains.Length)]][r.Next(from, to)];
        string Common() => r.NextDouble() < 0.6 ? Topic(0, 6) : Usable(General[r.Next(0, 12)]) ?? Topic(0, 6);
        string? Usable(string w) => JsonKeys.Any(k => k.Contains(w, StringComparison.OrdinalIgnoreCase)) ? null : w;

        // Mix per 200 queries; scaled for other counts.
        return
        [
            ("common", 30, () => new("common", Common())),
            ("medium", 20, () => new("medium", Topic(25, 60))),
            ("rare", 25, () => new("rare", r.NextDouble() < 0.2 ? Capitalise(Rare[r.Next(Rare.Length)]) : Rare[r.Next(Rare.Length)])),
            ("two-words", 30, () =>
            {
                var d = domains[r.Next(domains.Length)];
                return r.NextDouble() < 0.6
                    ? new("two-words", $"{Topics[d][r.Next(0, 30)]} {Topics[d][r.Next(0, 30)]}")
                    : new("two-words", $"{Common()} {Topic(0, 60)}");
            }),
            ("three-words", 10, () =>
            {
                var d = domains[r.Next(domains.Length)];
                return new("three-words", $"{Topics[d][r.Next(0, 20)]} {Topics[d][r.Next(0, 20)]} {Common()}");
            }),
            ("prefix", 25, () => new("prefix", Prefixes[r.Next(Prefixes.Length)])),
            ("phase-only", 20, () => new("phase-only", PhaseOnly[r.Next(PhaseOnly.Length)])),
            ("domain", 20, () => new("domain", r.NextDouble() < 0.5 ? Common() : Topic(0, 40), Domain: domains[r.Next(domains.Length)])),
            ("status", 15, () => new("status", r.NextDouble() < 0.6 ? Common() : Topic(6, 40),
                Status: r.Next(4) switch { 0 or 1 => ScenarioStatus.Published, 2 => ScenarioStatus.Draft, _ => ScenarioStatus.Archived })),
            ("unaccented", 5, () => new("unaccented", Unaccented[r.Next(Unaccented.Length)])),
        ];
    }

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
