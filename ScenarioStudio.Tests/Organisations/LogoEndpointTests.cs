using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScenarioStudio.Account;
using ScenarioStudio.Organisations;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>The logo over HTTP (in-memory test server), signed in through the real sign-in form.</summary>
public sealed class LogoEndpointTests : IDisposable
{
    private const string Email = "admin@logo.test";
    private const string Password = "harbour lantern violet 7";
    private static readonly byte[] Png = TestImages.Png();
    private static readonly byte[] Jpeg = TestImages.Encode(48, 48, SkiaSharp.SKEncodedImageFormat.Jpeg, SkiaSharp.SKColors.Orange);

    private readonly TestApp factory = new();

    [Fact]
    public async Task The_logo_carries_its_version_as_etag_and_a_browser_holding_that_version_gets_304()
    {
        var admin = await SignUpAsync();
        await SetLogoAsync(admin, Png);
        var client = factory.NewClient();
        await HttpSignIn.SignInAsync(client, Email, Password);

        var first = await client.GetAsync("/branding/logo?v=1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/png", first.Content.Headers.ContentType!.MediaType);
        Assert.Equal((64, 32), Size(await first.Content.ReadAsByteArrayAsync()));
        var etag = first.Headers.ETag ?? throw new Xunit.Sdk.XunitException("The logo has no ETag.");
        Assert.Contains("max-age", first.Headers.CacheControl!.ToString());
        Assert.True(first.Headers.CacheControl.Private);

        var revalidated = await GetAsync(client, etag);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, revalidated.Headers.ETag);

        // A new logo: the old tag no longer matches, and the answer carries the new image and a new tag.
        await SetLogoAsync(admin, Jpeg);
        var changed = await GetAsync(client, etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal((48, 48), Size(await changed.Content.ReadAsByteArrayAsync()));
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(client, changed.Headers.ETag!)).StatusCode);
    }

    /// <summary>The served logo's size: what is stored is a fresh PNG of the upload, not its bytes.</summary>
    private static (int, int) Size(byte[] image)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(image);
        return (bitmap.Width, bitmap.Height);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, EntityTagHeaderValue ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/branding/logo?v=1");
        request.Headers.IfNoneMatch.Add(ifNoneMatch);
        return client.SendAsync(request);
    }

    private async Task<ApplicationUser> SignUpAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignUpService>()
            .RegisterAsync(new SignUpRequest(Email, "Logo Admin", Password, "Logo Org", null));
    }

    private async Task SetLogoAsync(ApplicationUser admin, byte[] image)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(admin);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Use(principal);
        await scope.ServiceProvider.GetRequiredService<Branding>().SetLogoAsync(image);
    }

    public void Dispose() => factory.Dispose();
}
