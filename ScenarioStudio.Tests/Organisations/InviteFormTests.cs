using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>The invite form rendered in isolation with the real MemberService over a temp database.</summary>
public sealed class InviteFormTests : MudTestContext
{
    private readonly TestDatabase db = new();
    private AsUser asAdmin = default!;

    public override async Task InitializeAsync()
    {
        await db.InitializeAsync();
        var org = await db.CreateOrganisationAsync("Acme");
        asAdmin = await db.AsAsync(org.Admin);
        Services.AddSingleton(asAdmin.Get<MemberService>());
    }

    protected override async Task AfterDisposeAsync()
    {
        await asAdmin.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Creating_an_invitation_shows_the_link_once()
    {
        var invited = 0;
        var form = Render<InviteForm>(p => p.Add(f => f.OnInvited, () => invited++));
        await form.Find("#create-invitation").ClickAsync(new());

        var link = form.Find("#invitation-link").TextContent;
        Assert.Contains("/Account/Register?invitation=", link);
        Assert.Equal(1, invited);
        Assert.Single(await asAdmin.Get<MemberService>().ListInvitationsAsync());
    }

    [Fact]
    public async Task A_bad_email_shows_its_message_next_to_the_field_and_creates_nothing()
    {
        var form = Render<InviteForm>();
        form.Find("#invite-email").Change("not-an-address");
        await form.Find("#create-invitation").ClickAsync(new());

        Assert.Contains("Enter a valid e-mail address", form.Markup);
        Assert.Empty(form.FindAll("#invitation-link"));
        Assert.Empty(await asAdmin.Get<MemberService>().ListInvitationsAsync());
    }
}
