using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Scenarios;

[Collection("Browser")]
public sealed class CategoryAndPersonaCardBrowserTests(AppFixture app)
{
    [Fact]
    public async Task An_admin_adds_a_category_and_a_creator_picks_it_and_imports_a_persona_card_in_the_builder()
    {
        var people = await app.PeopleAsync();

        // The Admin adds a category, with a colour, on the categories page.
        var admin = await app.NewPageAsync(1366, 900);
        await admin.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await admin.GotoAsync("/admin/categories");
        await admin.WaitForCircuitAsync();
        await Assertions.Expect(admin.Locator("#category-list")).ToContainTextAsync("Objection handling");
        await admin.FillFieldAsync("#new-category-name", "Win-back calls");
        await admin.Locator(".colour-swatches [aria-label='#C2255C']").ClickAsync();
        await admin.ClickAsync("#add-category");
        await Assertions.Expect(admin.Locator("#category-list")).ToContainTextAsync("Win-back calls");
        await admin.ScreenshotAsync("categories-1366");
        var phoneAdmin = await app.NewPageAsync(375, 800);
        await phoneAdmin.SignInAsync(people[OrgRole.Admin], AppFixture.Password);
        await phoneAdmin.GotoAsync("/admin/categories");
        await phoneAdmin.WaitForCircuitAsync();
        await Assertions.Expect(phoneAdmin.Locator("#category-list")).ToContainTextAsync("Win-back calls");
        await phoneAdmin.ScreenshotAsync("categories-375");

        // A Content manager picks it in the builder and fills the customer from a SillyTavern PNG card.
        var creator = await app.NewPageAsync(1366, 900);
        await creator.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await creator.GotoAsync("/scenarios/new?domain=Sales");
        await creator.WaitForCircuitAsync();
        await creator.FillFieldAsync("#scenario-title", "Win back Marta");
        await creator.Locator("[role=combobox][aria-label='Category']").ClickAsync();
        await creator.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Win-back calls" }).First.ClickAsync();
        await Assertions.Expect(creator.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        await creator.ScreenshotAsync("builder-category-1366");

        await creator.OpenTabAsync("Customer");
        var card = new JsonObject
        {
            ["spec"] = "chara_card_v2", ["spec_version"] = "2.0",
            ["data"] = new JsonObject
            {
                ["name"] = "Marta Kowalska", ["personality"] = "impatient, loyal", ["scenario"] = "Marta wants to cancel.",
                ["first_mes"] = "I want to cancel today.", ["creator_notes"] = "Works best with a calm agent.",
            },
        };
        var png = TestImages.WithText(TestImages.Png(300, 300), "chara", Convert.ToBase64String(Encoding.UTF8.GetBytes(card.ToJsonString())));
        await creator.Locator("#persona-card-input").SetInputFilesAsync(new FilePayload { Name = "marta.png", MimeType = "image/png", Buffer = png });
        await Assertions.Expect(creator.Locator("#persona-card-filled")).ToContainTextAsync("Filled from “marta.png”: customer name, personality traits");
        await Assertions.Expect(creator.Locator("#persona-name")).ToHaveValueAsync("Marta Kowalska");
        await Assertions.Expect(creator.Locator("#persona-card-notes")).ToHaveValueAsync("Creator notes: Works best with a calm agent.");
        await Assertions.Expect(creator.Locator("#persona-avatar img")).ToBeVisibleAsync();
        await creator.ScreenshotAsync("builder-persona-card-1366");

        // A file that is not a card is refused at the upload, saying why.
        await creator.Locator("#persona-card-input").SetInputFilesAsync(
            new FilePayload { Name = "notes.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes("{\"title\": \"no name\"}") });
        await Assertions.Expect(creator.Locator("#persona-card-problem"))
            .ToContainTextAsync("“notes.json” was not imported: This JSON is not a character card");

        await creator.ClickAsync("#save");
        await Assertions.Expect(creator).ToHaveURLAsync(new Regex(@"/scenarios/\d+$"));
        await using (var member = await app.AsAsync(people[OrgRole.ContentManager]))
        {
            var id = int.Parse(creator.Url.Split('/')[^1]);
            var saved = await member.Scenarios().Queries.GetAsync(id);
            Assert.Equal(("Win-back calls", "Marta Kowalska", "I want to cancel today."),
                (saved.Document.Category, saved.Document.Persona.Name, saved.Document.Phases[0].CustomerOpening));
            Assert.NotNull(saved.Document.Persona.AvatarId);
        }
        var phone = await app.NewPageAsync(375, 800);
        await phone.SignInAsync(people[OrgRole.ContentManager], AppFixture.Password);
        await phone.GotoAsync(creator.Url.Replace(app.BaseUrl, ""));
        await phone.WaitForCircuitAsync();
        await phone.OpenTabAsync("Customer");
        await Assertions.Expect(phone.Locator("#persona-avatar img")).ToBeVisibleAsync();
        await phone.ScreenshotAsync("builder-persona-card-375");
        foreach (var page in new[] { admin, phoneAdmin, creator, phone }) Assert.Empty(app.PageErrors[page]);
    }
}
