using Bunit;
using ScenarioStudio.Practice;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Practice;

/// <summary>A repeat's scores are shown beside the first try's: which assessments pair up, and the card that shows them.</summary>
public sealed class FirstTryTests : MudTestContext
{
    private static Assessment Scores(int overall, int vocabulary, int phrases) =>
        new(overall, [new CriterionScore("Vocabulary", vocabulary, "v"), new CriterionScore("Phrases", phrases, "p")], [], [], "Better.", overall >= 70);

    private static PracticeMessage Message(long id, Speaker speaker, MessageKind kind, Assessment? assessment = null, bool stopped = false) =>
        new() { Id = id, Sequence = (int)id, Speaker = speaker, Kind = kind, Text = $"m{id}", Assessment = assessment, Stopped = stopped };

    [Fact]
    public void Each_repeat_assessment_pairs_with_the_first_try_it_repeats()
    {
        var first1 = Scores(20, 10, 30);
        var first2 = Scores(55, 50, 60);
        var retried = Scores(40, 40, 40);
        List<PracticeMessage> messages =
        [
            Message(1, Speaker.Customer, MessageKind.Opening),
            Message(2, Speaker.Learner, MessageKind.Answer),
            Message(3, Speaker.Coach, MessageKind.Feedback, first1),
            Message(4, Speaker.Learner, MessageKind.Repeat),
            Message(5, Speaker.Coach, MessageKind.Feedback, Scores(80, 80, 80)),
            Message(6, Speaker.Customer, MessageKind.Objection),
            Message(7, Speaker.Learner, MessageKind.Answer),
            Message(8, Speaker.Coach, MessageKind.Feedback, first2),
            Message(9, Speaker.Learner, MessageKind.Repeat),
            Message(10, Speaker.Coach, MessageKind.Feedback, Scores(10, 10, 10), stopped: true), // stopped: no scores shown
            Message(11, Speaker.Coach, MessageKind.Feedback, retried),
            Message(12, Speaker.Customer, MessageKind.Objection),
            Message(13, Speaker.Learner, MessageKind.Answer),
            Message(14, Speaker.Coach, MessageKind.Feedback, Scores(90, 90, 90)), // a first try, not yet repeated
        ];

        var pairs = PracticeSummary.FirstTries(messages.AsEnumerable().Reverse());

        Assert.Equal([5L, 11L], pairs.Keys.Order());
        Assert.Same(first1, pairs[5]);
        Assert.Same(first2, pairs[11]);
    }

    [Fact]
    public void A_repeat_card_shows_the_first_try_overall_and_per_criterion_beside_it()
    {
        var card = Render<ScoreCard>(p => p.Add(c => c.Assessment, Scores(92, 95, 90)).Add(c => c.FirstTry, Scores(35, 20, 50)));

        Assert.Equal("35", card.Find(".first-try-score").TextContent);
        Assert.Equal("+57", card.Find(".first-try .up").TextContent);
        Assert.Equal(["First", "Repeat"], card.FindAll("tr.heads td.num").Select(td => td.TextContent));
        Assert.Equal(["20", "50"], card.FindAll("td.num.first").Select(td => td.TextContent));

        var alone = Render<ScoreCard>(p => p.Add(c => c.Assessment, Scores(35, 20, 50)));
        Assert.Empty(alone.FindAll(".first-try"));
        Assert.Empty(alone.FindAll("td.num.first"));
    }

    [Fact]
    public void A_lower_repeat_shows_the_drop()
    {
        var card = Render<ScoreCard>(p => p.Add(c => c.Assessment, Scores(40, 40, 40)).Add(c => c.FirstTry, Scores(60, 60, 60)));
        Assert.Equal("−20", card.Find(".first-try .down").TextContent);
    }

    [Theory]
    [InlineData(8, "score-low")]
    [InlineData(55, "score-mid")]
    [InlineData(94, "score-high")]
    public void The_coach_bubble_takes_the_colour_of_its_score_not_green_at_8(int overall, string expected)
    {
        var cut = Render<MessageItem>(p => p.Add(m => m.Message, Message(3, Speaker.Coach, MessageKind.Feedback, Scores(overall, overall, overall)))
            .Add(m => m.CustomerName, "Graham"));
        var bubble = cut.Find(".bubble.coach");
        Assert.Contains(expected, bubble.ClassList);
        Assert.Single(bubble.ClassList, c => c.StartsWith("score-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_coach_bubble_without_scores_has_no_score_colour()
    {
        var cut = Render<MessageItem>(p => p.Add(m => m.Message, Message(3, Speaker.Coach, MessageKind.Feedback, stopped: true))
            .Add(m => m.CustomerName, "Graham"));
        Assert.DoesNotContain(cut.Find(".bubble.coach").ClassList, c => c.StartsWith("score-", StringComparison.Ordinal));
    }
}
