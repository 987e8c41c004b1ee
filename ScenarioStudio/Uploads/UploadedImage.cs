using SkiaSharp;

namespace ScenarioStudio.Uploads;

/// <summary>An uploaded picture after <see cref="UploadedImage.Clean"/>: newly encoded pixels, nothing of the original file.</summary>
public sealed record CleanImage(byte[] Content, string ContentType, int Width, int Height);

/// <summary>
/// The one way an uploaded picture (logos now; avatars and persona images later) enters the app. The file's type is
/// read from its content (PNG, JPEG or WebP; SVG and everything else refused), its declared size is checked against
/// a pixel budget before any pixel is decoded, it is decoded with Skia (a maintained decoder) and encoded again as
/// a fresh PNG scaled to fit the use. Whatever the original carried beyond its pixels (HTML appended to make a
/// polyglot, metadata, a second image) is gone, and what does not decode is refused.
/// </summary>
public static class UploadedImage
{
    /// <summary>The most pixels an upload may declare: 4096 × 4096 (64 MB once decoded).</summary>
    public const long MaxPixels = 4096L * 4096;

    /// <summary>Returns the cleaned image, or the reason it is refused, written for the person who uploaded it.</summary>
    /// <param name="maxSide">The longest side of the stored image; larger pictures are scaled down to it.</param>
    public static (CleanImage? Image, string? Problem) Clean(ReadOnlySpan<byte> file, int maxSide)
    {
        if (KindOf(file) is null) return (null, "Upload a PNG, JPEG or WebP image.");
        using var data = SKData.CreateCopy(file);
        using var codec = SKCodec.Create(data);
        if (codec is null) return (null, "This file is not a picture that can be read. Save it again as PNG or JPEG and retry.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
            return (null, $"The picture is {width} × {height} pixels; the largest accepted is 4096 × 4096.");

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(info);
        // Anything short of a complete decode (a truncated or damaged file) is refused, not stored half grey.
        if (codec.GetPixels(info, decoded.GetPixels()) != SKCodecResult.Success)
            return (null, "This picture is damaged or incomplete and cannot be read. Save it again as PNG or JPEG and retry.");
        var scale = Math.Min(1.0, maxSide / (double)Math.Max(width, height));
        var (w, h) = (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
        using var sized = scale < 1 ? decoded.Resize(info.WithSize(w, h), new SKSamplingOptions(SKCubicResampler.Mitchell)) : null;
        using var image = SKImage.FromBitmap(sized ?? decoded);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return (new CleanImage(png.ToArray(), "image/png", w, h), null);
    }

    /// <summary>The image type its first bytes declare, or null: only raster formats (SVG can carry script).</summary>
    public static string? KindOf(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return "image/png";
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        return null;
    }
}
