namespace ScenarioStudio.Scenarios.Authoring;

/// <summary>What the creator describes on the "Draft with AI" form.</summary>
public sealed class DraftRequest
{
    public const int MinSituation = 10, MaxSituation = 1000, MaxName = 80, MaxFigures = 500;

    /// <summary>The situation in a sentence or two, e.g. "A café owner wants to cancel the card terminal contract after a price rise."</summary>
    public string Situation { get; set; } = "";
    public ScenarioDomain Domain { get; set; } = ScenarioDomain.Sales;
    public Difficulty Difficulty { get; set; } = Difficulty.Intermediate;
    /// <summary>BCP 47 tag of the conversation's language.</summary>
    public string Locale { get; set; } = "en-GB";
    public int Phases { get; set; } = 4;
    public string CustomerName { get; set; } = "";
    public string CompanyName { get; set; } = "";
    public string ProductName { get; set; } = "";
    /// <summary>Prices, terms and other figures the draft must use as given, e.g. "£29 a month, 12-month contract, 30 days' notice".</summary>
    public string Figures { get; set; } = "";
    /// <summary>Text extracted from an uploaded document the draft is grounded in (see DraftDocuments); null for none.</summary>
    public SourceDocument? Source { get; set; }
}

/// <summary>An uploaded product sheet, policy, call script or price list, as extracted text.</summary>
public sealed record SourceDocument(string FileName, string Text, bool Truncated);

public enum DraftStage { Progress, Section, Done }

/// <summary>
/// One step of a draft as it arrives: a progress message ("Phase 2 of 4…"), a section filled in, or the end with the
/// fields still invalid after the repair. <see cref="Draft"/> is a copy the page may edit: the drafter keeps its own.
/// </summary>
public sealed record DraftEvent(DraftStage Stage, string Message, ScenarioDocument Draft, IReadOnlyDictionary<string, string[]> Errors,
    int Step, int Steps)
{
    public bool Done => Stage == DraftStage.Done;
}
