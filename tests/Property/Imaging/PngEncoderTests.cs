using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Norms.Reports.Imaging;
using Xunit;

namespace Norms.Property.Tests.Imaging;

public sealed class PngEncoderTests
{
    private sealed record Chunk(string Type, byte[] Data, uint Crc);

    private static List<Chunk> Chunks(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<Chunk>();
        var at = 8;
        while (at < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png[(at + 8)..(at + 8 + length)];
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            chunks.Add(new Chunk(type, data, crc));
            at += 12 + length;
        }
        Assert.Equal(png.Length, at);
        return chunks;
    }

    /// <summary>Bit-at-a-time CRC-32 straight from the definition, independent of the table-driven one.</summary>
    private static uint ReferenceCrc(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>Decodes the filtered scanlines (filters 0-4 as the PNG spec defines them).</summary>
    private static byte[] Unfilter(byte[] raw, int width, int height, int bpp)
    {
        var stride = width * bpp;
        Assert.Equal((stride + 1) * height, raw.Length);
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                int a = x >= bpp ? pixels[y * stride + x - bpp] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
                int c = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new Xunit.Sdk.XunitException($"unknown filter {filter}"),
                };
                pixels[y * stride + x] = (byte)(raw[y * (stride + 1) + 1 + x] + predictor);
            }
        }
        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value_and_a_bitwise_reference()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)).ToArbitrary(), bytes =>
        {
            Assert.Equal(ReferenceCrc(bytes), Crc32.Compute(bytes));
            var half = bytes.Length / 2;
            Assert.Equal(Crc32.Compute(bytes), Crc32.Update(Crc32.Compute(bytes[..half]), bytes[half..]));
        }));
    }

    [Fact]
    public void Encoded_images_have_valid_structure_and_decode_to_the_input()
    {
        var images = from w in Gen.Choose(1, 40) from h in Gen.Choose(1, 40) from channels in Gen.Elements(1, 3)
                     from smooth in Gen.Elements(false, true)
                     from px in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), w * h * channels)
                     select (w, h, channels, smooth ? px.Select((_, i) => (byte)(i / 7)).ToArray() : px);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(images.ToArbitrary(), t =>
        {
            var (w, h, channels, px) = t;
            var png = PngEncoder.Encode(px, w, h, channels);
            var chunks = Chunks(png);
            Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
            foreach (var chunk in chunks)
                Assert.Equal(ReferenceCrc([.. Encoding.ASCII.GetBytes(chunk.Type), .. chunk.Data]), chunk.Crc);
            var ihdr = chunks[0].Data;
            Assert.Equal(13, ihdr.Length);
            Assert.Equal(w, BinaryPrimitives.ReadInt32BigEndian(ihdr));
            Assert.Equal(h, BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
            Assert.Equal(new byte[] { 8, channels == 1 ? (byte)0 : (byte)2, 0, 0, 0 }, ihdr[8..]);
            Assert.Empty(chunks[2].Data);
            using var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            zlib.CopyTo(raw);
            Assert.Equal(px, Unfilter(raw.ToArray(), w, h, channels));
        }));
    }

    [Fact]
    public void Wrong_buffer_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[11], 2, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(new byte[8], 2, 2, 2));
    }
}
