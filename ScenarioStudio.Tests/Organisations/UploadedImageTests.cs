using System.Text;
using ScenarioStudio.Tests.Infrastructure;
using ScenarioStudio.Uploads;
using SkiaSharp;

namespace ScenarioStudio.Tests.Organisations;

/// <summary>Issue 20.8: uploads are decoded within a pixel budget and encoded again, so polyglots and pixel bombs do not pass.</summary>
public sealed class UploadedImageTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void A_real_picture_is_kept_as_a_fresh_png_of_the_same_size(SKEncodedImageFormat format)
    {
        var (image, problem) = UploadedImage.Clean(TestImages.Encode(120, 80, format), maxSide: 512);

        Assert.Null(problem);
        Assert.Equal(("image/png", 120, 80), (image!.ContentType, image.Width, image.Height));
        using var decoded = SKBitmap.Decode(image.Content);
        Assert.Equal((120, 80), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Html_appended_to_a_picture_is_not_stored()
    {
        var polyglot = TestImages.Png().Concat(Encoding.ASCII.GetBytes("<html><script>alert(document.cookie)</script></html>")).ToArray();

        var (image, _) = UploadedImage.Clean(polyglot, maxSide: 512);

        Assert.NotNull(image);
        Assert.DoesNotContain("<script", Encoding.Latin1.GetString(image.Content), StringComparison.OrdinalIgnoreCase);
        Assert.True(image.Content.Length < polyglot.Length + 1024);
    }

    [Fact]
    public void A_small_file_declaring_16000_by_16000_pixels_is_refused_before_decoding()
    {
        var bomb = TestImages.DeclaredHugePng(16000, 16000);
        Assert.True(bomb.Length < 256 * 1024);

        var (image, problem) = UploadedImage.Clean(bomb, maxSide: 512);

        Assert.Null(image);
        Assert.Equal("The picture is 16000 × 16000 pixels; the largest accepted is 4096 × 4096.", problem);
    }

    [Fact]
    public void A_large_picture_is_scaled_down_to_fit()
    {
        var (image, _) = UploadedImage.Clean(TestImages.Encode(2000, 1000, SKEncodedImageFormat.Jpeg), maxSide: 512);

        Assert.Equal((512, 256), (image!.Width, image.Height));
    }

    public static TheoryData<string, byte[]> NotPictures => new()
    {
        { "svg", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"u8.ToArray() },
        { "html", "<html><body>hello</body></html>"u8.ToArray() },
        { "png magic, then nothing", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3] },
        { "jpeg magic, then garbage", [0xFF, 0xD8, 0xFF, 0xE0, 4, 5, 6, 7, 8, 9] },
        { "truncated png", TestImages.Png(200, 200)[..60] },
    };

    [Theory]
    [MemberData(nameof(NotPictures))]
    public void What_is_not_a_readable_picture_is_refused_with_a_reason(string kind, byte[] file)
    {
        var (image, problem) = UploadedImage.Clean(file, maxSide: 512);

        Assert.True(image is null, kind);
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }
}
