using ScenarioStudio.Scenarios;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class MarkdownRendererTests
{
    private readonly MarkdownRenderer renderer = new();

    [Fact]
    public void Formatting_and_safe_links_survive() =>
        Assert.Equal("<p><strong>Be calm</strong> and see <a href=\"https://example.test/policy\" " +
            "rel=\"noopener noreferrer nofollow\" target=\"_blank\">the policy</a>.</p>",
            renderer.ToHtml("**Be calm** and see [the policy](https://example.test/policy).").Trim());

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    public void Raw_html_and_script_links_never_reach_the_page(string markdown)
    {
        // Raw HTML is shown as escaped text; what must never appear is a live tag or a script-bearing link.
        var html = renderer.ToHtml(markdown);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a href=\"data", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Mailto_links_are_allowed() =>
        Assert.Contains("href=\"mailto:help@example.test\"", renderer.ToHtml("[mail us](mailto:help@example.test)"));
}
