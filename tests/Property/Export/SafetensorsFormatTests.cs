using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Norms.Export.Safetensors;
using Norms.Property.Tests.Generators;

namespace Norms.Property.Tests.Export;

/// <summary>The safetensors writer and reader: random tensors round-trip exactly; random mutations and truncations of a valid
/// file only ever give a file or a <see cref="SafetensorsFormatException"/>; each kind of lying header is refused with a line
/// naming it, without allocating what the header claims.</summary>
public sealed class SafetensorsFormatTests
{
    private static readonly Gen<SafetensorsTensor> Tensor =
        from dtype in Gen.Elements(SafetensorsDtype.F32, SafetensorsDtype.I64)
        from rank in Gen.Choose(0, 4)
        from shape in Gen.Choose(0, 5).Select(d => (long)d).ArrayOf(rank)
        let size = (int)shape.Aggregate(1L, (a, d) => a * d) * dtype.Size()
        from data in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(size)
        select new SafetensorsTensor("", dtype, shape, data);

    private static readonly Gen<SafetensorsFile> Files =
        from tensors in Tensor.ListOf().Select(l => l.Take(6).ToArray())
        from names in Gen.Elements("features.0.0.weight", "c4.1.running_mean", "num_batches_tracked", "héad.2.bias", "a\"b\\c", "x")
            .ArrayOf(tensors.Length)
        from meta in Gen.Elements(0, 1, 2)
        select new SafetensorsFile(
            [.. tensors.Select((t, i) => t with { Name = $"{names[i]}.{i}" })],
            meta == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["format"] = "pt", ["norms_experiment"] = meta == 2 ? "mnist-bn\nx" : "e" });

    [Fact]
    public void Random_tensors_round_trip_exactly() =>
        Props.ForAll(Files, file =>
        {
            var bytes = SafetensorsWriter.ToBytes(file);
            Assert.Equal(0, (bytes.Length - 8 - file.Tensors.Sum(t => t.Data.Length)) % 8); // the header is padded to 8
            var back = SafetensorsReader.Read(bytes);
            Assert.Equal(file.Tensors.Select(t => t.Name), back.Tensors.Select(t => t.Name));
            foreach (var (a, b) in file.Tensors.Zip(back.Tensors))
            {
                Assert.Equal(a.Dtype, b.Dtype);
                Assert.Equal(a.Shape, b.Shape);
                Assert.Equal(a.Data, b.Data);
            }
            Assert.Equal(file.Metadata.OrderBy(e => e.Key), back.Metadata.OrderBy(e => e.Key));
        }, maxTest: 200);

    /// <summary>A mutation: overwrite bytes (mostly in the header, where a change is a lie rather than other values), cut the
    /// file short, or insert bytes.</summary>
    private static readonly Gen<Func<byte[], byte[]>> Mutations = Gen.OneOf(
        from count in Gen.Choose(1, 4)
        from spots in (from pos in Gen.Choose(0, 10_000) from value in Gen.Choose(0, 255) select (pos, value)).ArrayOf(count)
        select (Func<byte[], byte[]>)(bytes =>
        {
            var copy = (byte[])bytes.Clone();
            var header = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            foreach (var (pos, value) in spots)
            {
                var at = pos % 4 == 0 ? pos % copy.Length : pos % Math.Min(copy.Length, header);
                copy[at] = (byte)(value % 256);
            }
            return copy;
        }),
        from cut in Gen.Choose(0, 10_000)
        select (Func<byte[], byte[]>)(bytes => bytes[..(cut % bytes.Length)]),
        from at in Gen.Choose(0, 10_000)
        from what in Gen.Elements("0", "9", ",", "]", "}", " ", "\"", "-1")
        select (Func<byte[], byte[]>)(bytes =>
        {
            var i = at % bytes.Length;
            return [.. bytes[..i], .. Encoding.ASCII.GetBytes(what), .. bytes[i..]];
        }));

    [Fact]
    public void Mutated_or_truncated_files_give_a_file_or_a_format_error() =>
        Props.ForAll(from f in Files where f.Tensors.Count > 0 from m in Mutations select (f, m), pair =>
        {
            var mutated = pair.Item2(SafetensorsWriter.ToBytes(pair.Item1));
            try
            {
                var file = SafetensorsReader.Read(mutated);
                // What is read is what the file holds: every tensor's bytes match its shape.
                Assert.All(file.Tensors, t => Assert.Equal(t.Numel * t.Dtype.Size(), t.Data.Length));
            }
            catch (SafetensorsFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }, maxTest: 1000);

    private static byte[] Raw(string header, int dataBytes, ulong? length = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8, "", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8, "header length 4611686018427387904 is above", 1UL << 62)]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8, "runs past the end of the file", 1000UL)]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},}""", 8, "the header is not JSON", null)]
    [InlineData("""[1, 2]""", 0, "the header is a JSON array, not an object", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", 8, "run past the end of the data (8 bytes)", null)]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "overlap the previous tensor", null)]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "leaving bytes 4..8 unused", null)]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "4 bytes after the last tensor belong to none", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "shape [3] of F32 does not fill its 8-byte range", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}}""", 8, "does not fill its 8-byte range", null)]
    [InlineData("""{"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}""", 8, "is F16, which Norms does not read", null)]
    [InlineData("""{"w":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}}""", 8, "is BF16, which Norms does not read", null)]
    [InlineData("""{"w":{"dtype":"Q7","shape":[4],"data_offsets":[0,8]}}""", 8, "unknown dtype 'Q7'", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8, "'w' appears twice", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "shape[0] is not a whole number >= 0", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "end before they begin", null)]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}""", 8, "unknown field 'extra'", null)]
    [InlineData("""{"__metadata__":{"format":1}}""", 0, "metadata values must be strings", null)]
    public void Lying_headers_are_refused_with_one_line(string header, int dataBytes, string expected, ulong? length)
    {
        var bytes = Raw(header, dataBytes, length);
        if (expected.Length == 0)
        {
            Assert.Single(SafetensorsReader.Read(bytes).Tensors); // the control: the same layout, honest, is read
            return;
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsReader.Read(bytes));
        // Nothing the header claims is allocated: a refusal costs a few KB (the JSON parse), never the 2^80 bytes it promises.
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_file_too_short_for_its_length_field_is_refused() =>
        Assert.Contains("shorter than the 8-byte header length", Assert.Throws<SafetensorsFormatException>(() => SafetensorsReader.Read(new byte[5])).Message);
}
