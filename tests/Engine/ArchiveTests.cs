using FsCheck;
using FsCheck.Fluent;
using Norms.Data;
using Norms.Torch;
using Norms.Torch.Nn;
using Norms.Torch.Serialization;

namespace Norms.Engine.Tests;

public sealed class ArchiveTests
{
    private static byte[] Archive(string metadata = "{\"epoch\":3}")
    {
        using var scope = LibTorch.NewDisposeScope();
        var entries = new List<(string, Tensor)>
        {
            ("weights", Tensor.FromArray(new float[] { 1.5f, -2, 3, 4, 5, 6 }, 2, 3)),
            ("counts", Tensor.FromArray(new long[] { 7, long.MaxValue }, 2)),
            ("scalar", Tensor.Scalar(0.25, ScalarType.Float64)),
            ("bytes", Tensor.FromArray(new byte[] { 0, 255, 9 }, 3)),
            ("empty", Tensor.Zeros([0, 4])),
        };
        using var ms = new MemoryStream();
        TensorArchive.Write(ms, entries, metadata);
        return ms.ToArray();
    }

    [Fact]
    public void RoundTripsNamesDtypesShapesValuesAndMetadata()
    {
        var (tensors, metadata) = TensorArchive.Read(Archive());
        try
        {
            Assert.Equal("{\"epoch\":3}", metadata);
            Assert.Equal(new float[] { 1.5f, -2, 3, 4, 5, 6 }, tensors["weights"].ToArray<float>());
            Assert.Equal(new long[] { 2, 3 }, tensors["weights"].Shape);
            Assert.Equal(new long[] { 7, long.MaxValue }, tensors["counts"].ToArray<long>());
            Assert.Empty(tensors["scalar"].Shape);
            Assert.Equal(0.25, tensors["scalar"].ToDouble());
            Assert.Equal(new byte[] { 0, 255, 9 }, tensors["bytes"].ToArray<byte>());
            Assert.Equal(new long[] { 0, 4 }, tensors["empty"].Shape);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [Fact]
    public void AnyTruncationIsATypedError()
    {
        var data = Archive();
        var baseline = LibTorch.LiveTensors;
        Prop.ForAll(Gen.Choose(0, data.Length - 1).ToArbitrary(), cut =>
        {
            Assert.Throws<TensorArchiveException>(() => TensorArchive.Read(data.AsSpan(0, cut)));
        }).QuickCheckThrowOnFailure();
        Assert.Equal(baseline, LibTorch.LiveTensors);
    }

    [Fact]
    public void AnyFlippedByteIsATypedError()
    {
        var data = Archive();
        Prop.ForAll(Gen.Choose(0, data.Length - 1).ToArbitrary(), Gen.Choose(1, 255).ToArbitrary(), (at, xor) =>
        {
            var bad = (byte[])data.Clone();
            bad[at] ^= (byte)xor;
            Assert.Throws<TensorArchiveException>(() => TensorArchive.Read(bad));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AHugeDeclaredSizeWithAValidChecksumIsRejectedWithoutAllocating()
    {
        // A forger can recompute the SHA-256; the length checks must hold on their own.
        using var ms = new MemoryStream();
        ms.Write("NORMSTA1"u8);
        ms.Write(BitConverter.GetBytes(0u));
        ms.Write(BitConverter.GetBytes(1u));
        ms.Write(BitConverter.GetBytes((ushort)1));
        ms.Write("x"u8);
        ms.WriteByte(6);
        ms.WriteByte(2);
        ms.Write(BitConverter.GetBytes(1L << 40));
        ms.Write(BitConverter.GetBytes(1L << 40));
        ms.Write(BitConverter.GetBytes(long.MaxValue));
        var body = ms.ToArray();
        var full = body.Concat(System.Security.Cryptography.SHA256.HashData(body)).ToArray();
        var e = Assert.Throws<TensorArchiveException>(() => TensorArchive.Read(full));
        Assert.Contains("x", e.Message);
    }

    [Fact]
    public void ModuleStateSavesAndLoadsAtomically()
    {
        var dir = Directory.CreateTempSubdirectory("norms-archive-");
        try
        {
            var path = Path.Combine(dir.FullName, "model.nta");
            LibTorch.ManualSeed(5);
            using var a = new TinyCnn();
            AtomicFile.Write(path, stream => TensorArchive.Write(stream, a.StateDict(), "meta"));
            LibTorch.ManualSeed(6);
            using var b = new TinyCnn();
            var (state, meta) = TensorArchive.Read(File.ReadAllBytes(path));
            b.LoadStateDict(state);
            foreach (var t in state.Values) t.Dispose();
            Assert.Equal("meta", meta);
            foreach (var ((name, ta), (_, tb)) in a.StateDict().Zip(b.StateDict()))
                Assert.True(ta.ToArray<float>().SequenceEqual(tb.ToArray<float>()), name);
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temporary left behind
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
