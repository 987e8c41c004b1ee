namespace ScenarioStudio.Ai.Coach;

/// <summary>
/// The coach's thresholds, in one place. Set by measurement on the tuning half of bench/coach-set (never the held-out
/// half); the benchmark's --search mode explores them. Similarities are cosines between sentence embeddings.
/// </summary>
public sealed record CoachTuning
{
    public static readonly CoachTuning Default = new();

    /// <summary>Learner sentence against an ideal sentence: below Low no evidence, from High full evidence.</summary>
    public double Low { get; init; } = 0.26;
    public double High { get; init; } = 0.54;
    /// <summary>Learner sentence against a requirement's description.</summary>
    public double DescriptionLow { get; init; } = 0.22;
    public double DescriptionHigh { get; init; } = 0.46;
    /// <summary>Share of a requirement's credit that depends on stating the ideal sentence's facts.</summary>
    public double FactsWeight { get; init; } = 0.65;
    /// <summary>Share of content taken from covering the ideal response's sentences (the rest: requirements met).</summary>
    public double IdealWeight { get; init; } = 0.4;
    public double ContradictionSimilarity { get; init; } = 0.45;
    /// <summary>Any other sentence this close to a requirement's ideal sentence contradicts it by negating it.</summary>
    public double AnyContradictionSimilarity { get; init; } = 0.6;
    public double MistakeSimilarity { get; init; } = 0.52;
    public double MistakeMargin { get; init; } = 0.02;
    /// <summary>A mistake also counts when the sentence is closer to it than to any requirement (both are descriptions).</summary>
    public double MistakeDescriptionSimilarity { get; init; } = 0.7;
    public double MistakeDescriptionMargin { get; init; } = 0.05;
    /// <summary>A sentence this close to what a requirement rules out ("arguing about the bill") does it.</summary>
    public double ForbiddenSimilarity { get; init; } = 0.6;
    public double ForbiddenMargin { get; init; } = 0.1;
    /// <summary>A concession this close to one of the phase's ideal sentences is the ideal's own offer, not a ruled-out one.</summary>
    public double IdealConcessionSimilarity { get; init; } = 0.6;
    /// <summary>A detected common mistake this close to what a requirement rules out breaks that requirement.</summary>
    public double ForbiddenMistakeSimilarity { get; init; } = 0.6;
    /// <summary>A concession is supported when an authored statement is at least this close to it.</summary>
    public double SupportSimilarity { get; init; } = 0.6;
    public double OffTopicSimilarity { get; init; } = 0.25;
    /// <summary>A short sentence this close to a phrase to avoid says it in other words.</summary>
    public double AvoidSimilarity { get; init; } = 0.75;
    /// <summary>Cap for one harmful element in an otherwise decent answer (GRADING.md: 20–50), and what each further kind costs.</summary>
    public double HarmCap { get; init; } = 40;
    public double FurtherHarmCost { get; init; } = 10;
    /// <summary>Cap for an answer that says the opposite of what a requirement needs (wrong substance, GRADING.md: 0–29).</summary>
    public double ContradictionCap { get; init; } = 29;
    /// <summary>Share of the answer's words in rude sentences from which the answer is rude, not a good answer with a rude aside.</summary>
    public double RudeAnswerShare { get; init; } = 0.3;
    /// <summary>Cap for a rude answer: rudeness is most of it, or it says little else (GRADING.md: rude, 0–29).</summary>
    public double RudeAnswerCap { get; init; } = 12;
    /// <summary>Content from which an answer that reads as rude is substantially right: the wrong tone, not rudeness
    /// (GRADING.md: wrong tone, capped at 30 rather than the rude cap).</summary>
    public double WrongToneContent { get; init; } = 0.6;
    public double WrongToneCap { get; init; } = 30;
    /// <summary>Cap for a rude or blaming aside in an otherwise good answer ("that's your own fault").</summary>
    public double RudeAsideCap { get; init; } = 30;
    /// <summary>Words besides the rude ones an answer needs for the rudeness to be an aside in it.</summary>
    public double AsideAnswerWords { get; init; } = 30;
    /// <summary>Cap when only some of the verification facts a success criterion names are asked for ("partly there",
    /// GRADING.md: 55–74, usually not a pass).</summary>
    public double PartialVerificationCap { get; init; } = 65;
    /// <summary>Points a learner-English slip costs in a language scenario.</summary>
    public double GrammarSlipCost { get; init; } = 8;
}
