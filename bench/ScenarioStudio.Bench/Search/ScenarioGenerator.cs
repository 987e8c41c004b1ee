using System.Text;
using ScenarioStudio.Scenarios;
using static ScenarioStudio.Bench.Search.Vocabulary;

namespace ScenarioStudio.Bench.Search;

/// <summary>A generated scenario: the authored document plus the lifecycle fields the service would have set.</summary>
public sealed record GeneratedScenario(
    ScenarioDocument Document, ScenarioStatus Status, Visibility Visibility, string CreatedById,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, int Revision);

/// <summary>Draws index 0..n-1 with probability proportional to 1/(rank+1)^s.</summary>
public sealed class Zipf
{
    private readonly double[] cumulative;

    public Zipf(int n, double s)
    {
        cumulative = new double[n];
        var sum = 0.0;
        for (var i = 0; i < n; i++) cumulative[i] = sum += 1.0 / Math.Pow(i + 1, s);
        for (var i = 0; i < n; i++) cumulative[i] /= sum;
    }

    public int Next(Random random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }
}

/// <summary>
/// Deterministic (fixed seed) and varied scenarios: each scenario picks a handful of topic words from its domain
/// (Zipf-weighted, with some bleed from other domains) and builds its title, description, tags and four phases
/// from them, so a topic word's document frequency ranges from about a third of the domain down to about one percent.
/// </summary>
public sealed class ScenarioGenerator
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Verbs = ["asks about", "wants", "mentions", "questions", "explains", "expects", "needs", "doubts", "raises", "accepts"];

    private readonly Random random;
    private readonly IReadOnlyList<string> authorIds;
    private readonly Dictionary<int, List<string>> rarePlacements = [];
    private readonly Zipf topicZipf = new(Topics[ScenarioDomain.Sales].Length, 1.0);
    private readonly Zipf generalZipf = new(General.Length, 1.0);
    private readonly Zipf phaseOnlyZipf = new(PhaseOnly.Length, 1.1);
    private readonly Zipf authorZipf;

    public ScenarioGenerator(int count, int seed, IReadOnlyList<string> authorIds)
    {
        random = new Random(seed);
        this.authorIds = authorIds;
        authorZipf = new Zipf(authorIds.Count, 0.8);
        var placement = new Random(seed + 1);
        foreach (var word in Rare)
        {
            var chosen = new HashSet<int>();
            while (chosen.Count < Math.Min(RarePerWord, count)) chosen.Add(placement.Next(count));
            foreach (var index in chosen)
            {
                if (!rarePlacements.TryGetValue(index, out var list)) rarePlacements[index] = list = [];
                list.Add(word);
            }
        }
    }

    public GeneratedScenario Next(int index)
    {
        var r = random;
        var domain = Pick(r, (ScenarioDomain.Sales, 35), (ScenarioDomain.Support, 30), (ScenarioDomain.Collections, 20), (ScenarioDomain.Language, 15));
        var c = new Ctx(this, r, domain);

        var title = $"{One(r, Moods)} {One(r, People[domain])} {One(r, TitleVerbs[domain])} {c.Topics[0]}";
        if (r.NextDouble() < 0.35) title += $" and {c.Topics[1]}";

        var description = new StringBuilder();
        var sentences = r.Next(2, 4);
        for (var s = 0; s < sentences; s++) description.Append(s == 0 ? "" : " ").Append(c.Sentence());
        var desc = description.ToString();
        if (desc.Length > 400) desc = desc[..desc.LastIndexOf(' ', 400)].TrimEnd(',', ';') + ".";

        var phases = PhaseNames[domain].Select(name => c.Phase(name)).ToList();

        // Rare words: in the description or in one phase's text.
        if (rarePlacements.TryGetValue(index, out var rare))
        {
            foreach (var word in rare)
            {
                var sentence = $" The {c.Person} brings up a {word}.";
                if (r.NextDouble() < 0.5 && desc.Length + sentence.Length <= 500) desc += sentence;
                else
                {
                    var phase = phases[r.Next(phases.Count)];
                    phase.CustomerOpening += $" Oh, and about the {word}.";
                }
            }
        }

        var tags = new List<string>();
        var tagCount = r.Next(2, 5);
        while (tags.Count < tagCount)
        {
            var tag = r.NextDouble() < 0.2 ? One(r, CommonTags) : One(r, Tags[domain]);
            if (!tags.Contains(tag, StringComparer.OrdinalIgnoreCase)) tags.Add(tag);
        }

        var doc = new ScenarioDocument
        {
            Title = Capitalise(title), Slug = $"{ScenarioValidator.Slugify(title)}-{index + 1}", Description = desc, Domain = domain,
            Category = One(r, Categories[domain]),
            Difficulty = Pick(r, (Difficulty.Beginner, 35), (Difficulty.Intermediate, 40), (Difficulty.Advanced, 25)),
            EstimatedMinutes = r.Next(5, 46), XpReward = r.Next(5, 31) * 10, Tags = tags, Locale = One(r, Locales[domain]),
            Persona = c.Persona(), Context = c.Context(), Phases = phases,
            Tone = new ToneGuidelines
            {
                PhrasesToUse = [One(r, Phrases[domain]), One(r, Phrases[domain])],
                PhrasesToAvoid = ["Calm down.", "That is not my problem."],
                Rules = [c.Sentence()],
            },
            Rubric = RubricDefaults.For(domain),
            Ai = new AiSettings { Temperature = Math.Round(0.3 + r.NextDouble() * 0.7, 1), MaxTurns = r.Next(2, 5) },
        };

        var status = Pick(r, (ScenarioStatus.Published, 72), (ScenarioStatus.Draft, 14), (ScenarioStatus.InReview, 7), (ScenarioStatus.Archived, 7));
        var visibility = Pick(r, (Visibility.Organisation, 85), (Visibility.Public, 10), (Visibility.Private, 5));
        var updated = Now - TimeSpan.FromMilliseconds(r.NextInt64(0, (long)TimeSpan.FromDays(730).TotalMilliseconds));
        var created = updated - TimeSpan.FromMilliseconds(r.NextInt64(0, (long)TimeSpan.FromDays(120).TotalMilliseconds));
        DateTimeOffset? published = status == ScenarioStatus.Published || (status == ScenarioStatus.Archived && r.NextDouble() < 0.5)
            ? created + (updated - created) * r.NextDouble()
            : null;
        return new GeneratedScenario(doc, status, visibility, authorIds[authorZipf.Next(r)], created, updated, published,
            status == ScenarioStatus.Draft ? r.Next(0, 4) : r.Next(2, 9));
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static T One<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static T Pick<T>(Random r, params (T Value, int Weight)[] choices)
    {
        var roll = r.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if (roll < weight) return value;
            roll -= weight;
        }
        return choices[^1].Value;
    }

    /// <summary>One scenario's word choices.</summary>
    private sealed class Ctx
    {
        private readonly ScenarioGenerator g;
        private readonly Random r;
        private readonly ScenarioDomain domain;
        private readonly List<string> phaseOnly = [];

        public Ctx(ScenarioGenerator g, Random r, ScenarioDomain domain)
        {
            this.g = g;
            this.r = r;
            this.domain = domain;
            var want = r.Next(6, 10);
            while (Topics.Count < want)
            {
                var from = r.NextDouble() < 0.1 ? (ScenarioDomain)r.Next(4) : domain;
                var word = Topics_[from][g.topicZipf.Next(r)];
                if (!Topics.Contains(word)) Topics.Add(word);
            }
            var jargon = r.Next(0, 4);
            for (var i = 0; i < jargon; i++) phaseOnly.Add(PhaseOnly[g.phaseOnlyZipf.Next(r)]);
            Person = One(r, People[domain]);
        }

        private static IReadOnlyDictionary<ScenarioDomain, string[]> Topics_ => Vocabulary.Topics;

        public List<string> Topics { get; } = [];
        public string Person { get; }

        private string T => Topics[r.Next(Topics.Count)];
        private string G => General[g.generalZipf.Next(r)];
        private string Jargon => phaseOnly.Count == 0 ? G : phaseOnly[r.Next(phaseOnly.Count)];

        public string Sentence() => r.Next(8) switch
        {
            0 => $"The {Person} {One(r, Verbs)} the {T} and the {G}.",
            1 => $"The {Person} {One(r, Verbs)} the {T} because of the {T}.",
            2 => $"Ask about the {T} before you offer a {T}.",
            3 => $"Keep a {G} tone while you discuss the {T} and the {G}.",
            4 => $"The {Person} says the {T} is a {G} {G}.",
            5 => $"Confirm the {T} and agree the next {G}.",
            6 => $"Do not rush the {T}; {G} the {Person} first.",
            _ => $"Explain how the {T} affects the {T} this {G}.",
        };

        public Phase Phase(string name)
        {
            var language = domain == ScenarioDomain.Language;
            return new Phase
            {
                Name = name,
                Description = Sentence(),
                Objectives = [$"Find out the {T}", $"Agree the {T} with the {Person}"],
                KeyVocabulary = Enumerable.Range(0, language ? 5 : 3).Select(_ => T).ToList(),
                EssentialPhrases = Enumerable.Range(0, language ? 5 : 2).Select(_ => One(r, Phrases[domain])).ToList(),
                SuccessCriteria = [$"The {Person} agrees the {T}", $"Uses {Jargon} at the right moment"],
                CulturalNotes = language ? $"Locals expect a greeting before the {T}; {G} matters." : "",
                CustomerOpening = $"I am calling about the {T}. {Sentence()}",
                FollowUpObjections = [$"But what about the {T}?", $"I still do not see why the {T} matters."],
                IdealResponse = $"{Sentence()} {Sentence()}",
                CoachingNotes = $"Try {Jargon} here. {Sentence()}",
                CommonMistakes = [$"Skipping the {T}", $"Forgetting {Jargon}"],
                ExpectedMinutes = r.Next(2, 7),
            };
        }

        public Persona Persona() => new()
        {
            Name = $"{One(r, FirstNames)} {One(r, Surnames)}",
            Age = r.NextDouble() < 0.2 ? null : r.Next(18, 80),
            Role = Person,
            Traits = [One(r, Traits), One(r, Traits)],
            StartingMood = One(r, Moods).ToLowerInvariant(),
            Goals = [$"Sort out the {T}"],
            HiddenInformation = [$"The {T} changed last {G}"],
            SpeakingStyle = "Short sentences, interrupts when rushed.",
        };

        public ScenarioContext Context() => new()
        {
            LearnerBrief = Sentence(),
            TicketFields =
            [
                new CardField { Label = "Account number", Value = r.Next(10_000_000, 99_999_999).ToString() },
                new CardField { Label = "Balance", Value = $"£{r.Next(0, 500_000) / 100.0:0.00}" },
            ],
            KnowledgeBase = [new KnowledgeEntry { Title = $"About the {T}", Body = $"{Sentence()} {Sentence()}" }],
            VerificationFacts = domain is ScenarioDomain.Support or ScenarioDomain.Collections
                ? [new CardField { Label = "Postcode", Value = $"AB{r.Next(1, 99)} {r.Next(1, 9)}CD" }]
                : [],
        };
    }
}
