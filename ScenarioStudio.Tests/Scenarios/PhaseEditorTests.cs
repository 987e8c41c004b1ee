using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Scenarios;
using ScenarioStudio.Scenarios.Builder;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

public sealed class PhaseEditorTests : MudTestContext
{
    private int changes;
    private readonly List<Phase> phases =
    [
        new() { Name = "Greeting", KeyVocabulary = ["menu"] },
        new() { Name = "Ordering" },
        new() { Name = "Paying" },
    ];

    private IRenderedComponent<PhaseEditor> RenderEditor(BuilderContext? ctx = null)
    {
        Services.AddSingleton(new MarkdownRenderer());
        ctx ??= new BuilderContext(() => { changes++; return Task.CompletedTask; });
        return Render<PhaseEditor>(p => p
            .Add(e => e.Phases, phases)
            .Add(e => e.Domain, ScenarioDomain.Language)
            .AddCascadingValue(ctx));
    }

    private static string[] Titles(IRenderedComponent<PhaseEditor> editor) =>
        editor.FindAll(".phase-title").Select(t => t.TextContent.Trim()).ToArray();

    [Fact]
    public void Adding_a_phase_appends_it_and_reports_a_change()
    {
        var editor = RenderEditor();
        editor.Find("#add-phase").Click();
        Assert.Equal(4, phases.Count);
        Assert.Equal("4. Phase 4", Titles(editor)[3]);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void Moving_a_phase_down_and_up_reorders_the_list()
    {
        var editor = RenderEditor();
        editor.Find("#phase-0-down").Click();
        Assert.Equal(["Ordering", "Greeting", "Paying"], phases.Select(p => p.Name));
        editor.Find("#phase-2-up").Click();
        Assert.Equal(["Ordering", "Paying", "Greeting"], phases.Select(p => p.Name));
        Assert.Equal(["1. Ordering", "2. Paying", "3. Greeting"], Titles(editor));
        Assert.True(editor.Find("#phase-0-up").HasAttribute("disabled"));
        Assert.True(editor.Find("#phase-2-down").HasAttribute("disabled"));
    }

    [Fact]
    public void Duplicating_a_phase_inserts_an_independent_copy_after_it()
    {
        var editor = RenderEditor();
        editor.Find("#phase-0-duplicate").Click();
        Assert.Equal(["Greeting", "Greeting (copy)", "Ordering", "Paying"], phases.Select(p => p.Name));
        phases[1].KeyVocabulary.Add("bill");
        Assert.Equal(["menu"], phases[0].KeyVocabulary);
    }

    [Fact]
    public void Removing_a_phase_deletes_it_and_the_last_one_cannot_be_removed()
    {
        var editor = RenderEditor();
        editor.Find("#phase-1-remove").Click();
        editor.Find("#phase-1-remove").Click();
        Assert.Equal(["Greeting"], phases.Select(p => p.Name));
        Assert.True(editor.Find("#phase-0-remove").HasAttribute("disabled"));
    }

    [Fact]
    public void Six_phases_is_the_limit_for_adding_and_duplicating()
    {
        phases.AddRange([new() { Name = "D" }, new() { Name = "E" }, new() { Name = "F" }]);
        var editor = RenderEditor();
        Assert.True(editor.Find("#add-phase").HasAttribute("disabled"));
        Assert.True(editor.Find("#phase-0-duplicate").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Vocabulary_chips_are_added_with_enter_and_removed_with_their_close_button()
    {
        var editor = RenderEditor();
        var input = editor.Find("#phase-0-vocab-input");
        await input.InputAsync(new ChangeEventArgs { Value = "starter; main course" });
        await editor.Find("#phase-0-vocab-input").KeyDownAsync(new KeyboardEventArgs { Key = "Enter" });
        Assert.Equal(["menu", "starter", "main course"], phases[0].KeyVocabulary);
        Assert.Equal(3, editor.FindAll("#phase-0-vocab .mud-chip").Count);

        // Duplicates are ignored, case-insensitively.
        await editor.Find("#phase-0-vocab-input").InputAsync(new ChangeEventArgs { Value = "MENU" });
        await editor.Find("#phase-0-vocab-add").ClickAsync(new MouseEventArgs());
        Assert.Equal(3, phases[0].KeyVocabulary.Count);

        await editor.Find("#phase-0-vocab .mud-chip button").ClickAsync(new MouseEventArgs());
        Assert.Equal(["starter", "main course"], phases[0].KeyVocabulary);
    }

    [Fact]
    public void Field_errors_show_next_to_the_phase_field_and_on_the_phase_header()
    {
        var ctx = new BuilderContext(() => Task.CompletedTask)
        {
            Errors = new Dictionary<string, string[]> { ["Phases[0].IdealResponse"] = ["Write an ideal response before publishing."] },
        };
        var editor = RenderEditor(ctx);
        Assert.Contains("1 to fix", editor.Find("#phase-0").TextContent);
        Assert.Contains("Write an ideal response before publishing.", editor.Find("#phase-0").TextContent);
    }

    [Fact]
    public void A_read_only_editor_offers_no_changes()
    {
        var ctx = new BuilderContext(() => Task.CompletedTask) { ReadOnly = true };
        var editor = RenderEditor(ctx);
        Assert.Empty(editor.FindAll("#phase-0-remove"));
        Assert.True(editor.Find("#add-phase").HasAttribute("disabled"));
    }

    [Fact]
    public void A_reloaded_document_shows_every_phase_open_again()
    {
        var editor = RenderEditor();
        int Open() => editor.FindAll(".phase").Count(phase => phase.QuerySelector(".mud-grid") is not null);
        Assert.Equal(3, Open());
        editor.FindAll("button[aria-label='Show or hide phase']")[0].Click();
        Assert.Equal(2, Open());

        // The page reloads the scenario after a save or a lifecycle action: a new list of new phase objects.
        List<Phase> reloaded = [.. phases.Select(p => new Phase { Name = p.Name })];
        editor.Render(p => p.Add(e => e.Phases, reloaded));
        Assert.Equal(3, Open());
    }
}
