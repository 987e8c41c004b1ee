using ScenarioStudio.Data;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

public sealed class BrandingTests : OrganisationTestBase
{
    [Fact]
    public async Task Name_and_colour_are_validated_and_saved()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var branding = asAdmin.Get<Branding>();
        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => branding.UpdateAsync("A", "red; background:url(x)"));
        Assert.Equal(["Name", "PrimaryColour"], ex.Errors.Keys.Order());
        Assert.Equal("Acme", (await branding.GetAsync()).Name);

        var saved = await branding.UpdateAsync("Acme Collections", "#0b7285");
        Assert.Equal(("Acme Collections", "#0B7285"), (saved.Name, saved.PrimaryColour));
    }

    [Fact]
    public async Task Only_small_png_jpeg_or_webp_logos_are_accepted()
    {
        await using var asAdmin = await db.AsAsync(org.Admin);
        var branding = asAdmin.Get<Branding>();
        var svg = "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"u8.ToArray();
        await Assert.ThrowsAsync<ValidationFailedException>(() => branding.SetLogoAsync(svg));
        var huge = new byte[Branding.MaxLogoBytes + 1];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(huge, 0);
        await Assert.ThrowsAsync<ValidationFailedException>(() => branding.SetLogoAsync(huge));
        Assert.Null((await branding.GetAsync()).LogoUrl);

        var jpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3 };
        var info = await branding.SetLogoAsync(jpeg);
        Assert.NotNull(info.LogoUrl);
        var logo = await branding.GetLogoAsync();
        Assert.Equal("image/jpeg", logo!.ContentType);
        Assert.Equal(jpeg, logo.Content);
    }
}
