using System.Buffers.Binary;
using System.Text;

namespace ScenarioStudio.Scenarios.Personas;

/// <summary>
/// Reads and writes PNG tEXt chunks, the place SillyTavern and other roleplay front ends keep a character card
/// (keyword "chara", the card's JSON in base64). The walk is bounded: it stops at IEND, after <see cref="MaxChunks"/>
/// chunks, or at the first chunk whose declared length runs past the end of the file, and never allocates more than
/// one chunk's text.
/// </summary>
public static class PngText
{
    public const int MaxChunks = 4096;
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(ReadOnlySpan<byte> file) => file.Length >= 8 && file[..8].SequenceEqual(Signature);

    /// <summary>The text of the first tEXt chunk with the keyword, or null; <c>Problem</c> when the chunks are damaged.</summary>
    public static (string? Text, string? Problem) Find(ReadOnlySpan<byte> png, string keyword)
    {
        if (!IsPng(png)) return (null, "This is not a PNG file.");
        var pos = 8;
        for (var chunks = 0; chunks < MaxChunks; chunks++)
        {
            if (pos + 12 > png.Length) return (null, "The PNG file ends in the middle of a chunk: it is damaged or incomplete.");
            var length = BinaryPrimitives.ReadUInt32BigEndian(png.Slice(pos, 4));
            if (length > (uint)(png.Length - pos - 12)) return (null, "A PNG chunk is longer than the file: the file is damaged or incomplete.");
            var type = png.Slice(pos + 4, 4);
            var data = png.Slice(pos + 8, (int)length);
            if (type.SequenceEqual("IEND"u8)) return (null, null);
            if (type.SequenceEqual("tEXt"u8))
            {
                var nul = data.IndexOf((byte)0);
                if (nul > 0 && Encoding.Latin1.GetString(data[..nul]) == keyword) return (Encoding.Latin1.GetString(data[(nul + 1)..]), null);
            }
            pos += 12 + (int)length;
        }
        return (null, $"The PNG file has more than {MaxChunks} chunks: it is not an image this app reads.");
    }

    /// <summary>The PNG with its tEXt chunks of <paramref name="keyword"/> replaced by one holding <paramref name="text"/> (Latin-1), before IEND.</summary>
    public static byte[] With(ReadOnlySpan<byte> png, string keyword, string text)
    {
        if (!IsPng(png)) throw new ArgumentException("Not a PNG.", nameof(png));
        using var output = new MemoryStream(png.Length + text.Length + 64);
        output.Write(Signature);
        var pos = 8;
        while (pos + 12 <= png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.Slice(pos, 4));
            var chunk = png.Slice(pos, 12 + length);
            var type = chunk.Slice(4, 4);
            if (type.SequenceEqual("IEND"u8)) break;
            var data = chunk.Slice(8, length);
            var nul = data.IndexOf((byte)0);
            var same = type.SequenceEqual("tEXt"u8) && nul > 0 && Encoding.Latin1.GetString(data[..nul]) == keyword;
            if (!same) output.Write(chunk);
            pos += 12 + length;
        }
        WriteChunk(output, "tEXt"u8, [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(text)]);
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(type, data));
        output.Write(word);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 PNG puts after each chunk, over its type and data.</summary>
    public static uint Crc32(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in type) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
