using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>Real pictures for upload tests, drawn with Skia, and hand-made hostile ones.</summary>
public static class TestImages
{
    /// <summary>A real image of the given size and format: a coloured square with a diagonal, so it is not blank.</summary>
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png, SKColor? colour = null)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(colour ?? new SKColor(0x0B, 0x72, 0x85));
            using var paint = new SKPaint { Color = SKColors.White, StrokeWidth = Math.Max(1, width / 20f) };
            canvas.DrawLine(0, 0, width, height, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(format, 90).ToArray();
    }

    public static byte[] Png(int width = 64, int height = 32) => Encode(width, height);

    /// <summary>
    /// A valid, tiny PNG whose header declares <paramref name="width"/> × <paramref name="height"/> one-bit pixels: a
    /// few kilobytes that a browser would decode into a quarter of a gigapixel.
    /// </summary>
    public static byte[] DeclaredHugePng(int width, int height)
    {
        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 1; // bit depth 1, grey, deflate, no filter, no interlace
        Chunk(file, "IHDR", header);
        using var pixels = new MemoryStream();
        using (var z = new ZLibStream(pixels, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (width + 7) / 8];
            for (var y = 0; y < Math.Min(height, 64); y++) z.Write(row); // the rest is missing: only the header matters
        }
        Chunk(file, "IDAT", pixels.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>
    /// The PNG with a tEXt chunk added before its IEND, as SillyTavern writes a character card (keyword "chara", base64
    /// JSON). Written here byte by byte, independently of the app's own PNG code.
    /// </summary>
    public static byte[] WithText(byte[] png, string keyword, string text)
    {
        using var file = new MemoryStream();
        file.Write(png, 0, png.Length - 12); // Skia ends its PNGs with the 12-byte IEND chunk
        Chunk(file, "tEXt", [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(text)]);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream file, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        file.Write(length);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
