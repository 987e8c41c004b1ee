using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
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

        await Assert.ThrowsAsync<ValidationFailedException>(() => branding.SetLogoAsync(TestImages.DeclaredHugePng(16000, 16000)));
        Assert.Null((await branding.GetAsync()).LogoUrl);

        var jpeg = TestImages.Encode(1024, 256, SkiaSharp.SKEncodedImageFormat.Jpeg);
        var info = await branding.SetLogoAsync(jpeg);
        Assert.NotNull(info.LogoUrl);
        var logo = await branding.GetLogoAsync();
        // Stored as a fresh PNG, scaled to the logo's 512 px.
        Assert.Equal("image/png", logo!.ContentType);
        using var stored = SkiaSharp.SKBitmap.Decode(logo.Content);
        Assert.Equal((512, 128), (stored.Width, stored.Height));
    }

    [Fact]
    public async Task The_branding_is_read_without_the_logo_once_per_organisation_and_refreshed_when_it_changes()
    {
        var jpeg = TestImages.Encode(40, 40, SkiaSharp.SKEncodedImageFormat.Jpeg);
        string firstUrl;
        await using (var asAdmin = await db.AsAsync(org.Admin))
            firstUrl = (await asAdmin.Get<Branding>().SetLogoAsync(jpeg)).LogoUrl!;
        ((MemoryCache)db.Services.GetRequiredService<IMemoryCache>()).Clear(); // as after a restart

        using (var sql = db.Sql.Capture())
        {
            foreach (var member in new[] { org.Learner, org.Manager, org.Learner })
            {
                await using var scope = await db.AsAsync(member); // a circuit starting
                var info = await scope.Get<Branding>().GetAsync();
                Assert.Equal(("Acme", firstUrl), (info.Name, info.LogoUrl));
            }
            // The branding read (the caller lookup's suspension check also names the table, in an EXISTS on its key).
            var reads = sql.Commands.Where(c => c.Contains("FROM \"Organisations\"") && c.Contains("\"PrimaryColour\"")).ToList();
            Assert.Single(reads); // the first circuit reads, the others are served from the cache
            Assert.DoesNotContain("\"Logo\"", reads[0]); // the name, colour and logo version, never the image
        }

        await using (var asAdmin = await db.AsAsync(org.Admin))
        {
            await asAdmin.Get<Branding>().UpdateAsync("Acme Two", "#0b7285");
            await asAdmin.Get<Branding>().SetLogoAsync(jpeg);
        }
        await using (var asLearner = await db.AsAsync(org.Learner))
        {
            var info = await asLearner.Get<Branding>().GetAsync();
            Assert.Equal(("Acme Two", "#0B7285"), (info.Name, info.PrimaryColour));
            Assert.NotEqual(firstUrl, info.LogoUrl); // a new version: browsers fetch the new image
            await using var asAdmin = await db.AsAsync(org.Admin);
            await asAdmin.Get<Branding>().RemoveLogoAsync();
            Assert.Null((await asLearner.Get<Branding>().GetAsync()).LogoUrl);
        }
    }
}
