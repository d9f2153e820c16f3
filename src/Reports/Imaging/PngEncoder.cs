using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Norms.Reports.Imaging;

/// <summary>
/// Minimal PNG writer: 8-bit greyscale (colour type 0) or RGB (colour type 2), no interlace, one IDAT.
/// Each scanline uses the filter (None, Sub, Up) that gives the smallest sum of absolute residuals,
/// the usual cheap heuristic, which shrinks upscaled images a lot.
/// </summary>
public static class PngEncoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    public static byte[] Encode(RasterImage image) => Encode(image.Pixels, image.Width, image.Height, image.Channels);

    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 (grey) or 3 (RGB)");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var stride = checked(width * channels);
        if (pixels.Length != checked(stride * height)) throw new ArgumentException($"pixels hold {pixels.Length} bytes, expected {stride * height}");

        using var png = new MemoryStream();
        png.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                              // bit depth
        ihdr[9] = channels == 1 ? (byte)0 : (byte)2; // colour type
        ihdr[10] = 0;                             // deflate
        ihdr[11] = 0;                             // adaptive filtering
        ihdr[12] = 0;                             // no interlace
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", Compress(pixels, stride, height, channels));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Compress(ReadOnlySpan<byte> pixels, int stride, int height, int bytesPerPixel)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            var candidates = new byte[3][];
            for (var f = 0; f < 3; f++) candidates[f] = new byte[stride + 1];
            for (var y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                var above = y > 0 ? pixels.Slice((y - 1) * stride, stride) : default;
                var best = 0;
                var bestCost = long.MaxValue;
                for (var f = 0; f < 3; f++)
                {
                    var line = candidates[f];
                    line[0] = (byte)f;
                    long cost = 0;
                    for (var x = 0; x < stride; x++)
                    {
                        var predictor = f switch
                        {
                            1 => x >= bytesPerPixel ? row[x - bytesPerPixel] : (byte)0,
                            2 => y > 0 ? above[x] : (byte)0,
                            _ => (byte)0,
                        };
                        var residual = (byte)(row[x] - predictor);
                        line[x + 1] = residual;
                        cost += residual < 128 ? residual : 256 - residual; // |signed residual| without Math.Abs(-128) overflow
                    }
                    if (cost < bestCost) (best, bestCost) = (f, cost);
                }
                zlib.Write(candidates[best]);
            }
        }
        return output.ToArray();
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Compute(typeBytes), data));
        png.Write(word);
    }
}
