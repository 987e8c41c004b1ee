using ScenarioStudio.Scenarios.Authoring;

namespace ScenarioStudio.Tests.Scenarios.Authoring;

public sealed class DraftReaderTests
{
    [Fact]
    public void A_streaming_reply_shows_only_its_complete_top_level_fields()
    {
        const string reply = """```json {"title": "Late {delivery} \"refund\"", "tags": ["a", "b"], "persona": {"name": "Ana", "traits": ["calm"]}, "n": 3}""";
        var seen = new List<string>();
        for (var length = 0; length <= reply.Length; length++)
        {
            if (DraftReader.CompleteFields(reply[..length]) is { } part)
                seen.Add($"{part.Fields}:{string.Join(",", part.Root.EnumerateObject().Select(p => p.Name))}");
        }

        // Each field appears only once its value is closed: braces and quotes inside a string do not end it, a nested object
        // counts when its closing brace arrives, a number when the character after it does.
        Assert.Equal(["1:title", "2:title,tags", "3:title,tags,persona", "4:title,tags,persona,n"], seen.Distinct().ToList());
        Assert.Equal("Late {delivery} \"refund\"", DraftReader.CompleteFields(reply[..reply.IndexOf(", \"tags\"", StringComparison.Ordinal)])!
            .Value.Root.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Sure! Here is")]
    [InlineData("{\"title\": ")]
    [InlineData("[\"a\", \"b\"]")]
    [InlineData("{\"title\": \"A\" \"persona\": {}")]
    public void Text_with_no_complete_field_or_no_json_object_gives_nothing(string partial) =>
        Assert.Null(DraftReader.CompleteFields(partial));
}
