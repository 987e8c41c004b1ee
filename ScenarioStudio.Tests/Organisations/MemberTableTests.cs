using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>The members table rendered in isolation with the real MemberService over a temp database.</summary>
public sealed class MemberTableTests : MudTestContext
{
    private readonly TestDatabase db = new();
    private TestOrganisation org = default!;
    private AsUser asAdmin = default!;

    public override async Task InitializeAsync()
    {
        await db.InitializeAsync();
        org = await db.CreateOrganisationAsync("Acme");
        asAdmin = await db.AsAsync(org.Admin);
        Services.AddSingleton(asAdmin.Get<MemberService>());
    }

    protected override async Task AfterDisposeAsync()
    {
        await asAdmin.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task Sign_out_everywhere_gives_the_member_a_new_security_stamp()
    {
        var before = (await db.ReloadAsync(org.Learner)).SecurityStamp;
        var rows = await asAdmin.Get<MemberService>().ListAsync();
        var table = Render<MemberTable>(p => p.Add(t => t.Rows, rows));

        var row = table.FindAll("tr").Single(r => r.TextContent.Contains(org.Learner.Email!, StringComparison.Ordinal));
        await row.QuerySelector("button.sign-out-everywhere")!.ClickAsync(new());

        Assert.NotEqual(before, (await db.ReloadAsync(org.Learner)).SecurityStamp);
    }
}
