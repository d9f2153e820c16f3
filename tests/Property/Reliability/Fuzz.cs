using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace Norms.Property.Tests.Reliability;

/// <summary>
/// One random corruption of a file: a flipped bit, an overwritten byte, a cut, an insertion, a deletion, or a header-style
/// field overwritten with a huge value (u32 big-endian as in idx, i64 little-endian as in the tensor archive, octal
/// digits as in tar). <see cref="Position"/> is taken modulo the input length, so every mutation applies to any input.
/// </summary>
public sealed record Mutation(int Kind, int Position, int Value, int Length)
{
    public const int Kinds = 9;

    public byte[] Apply(byte[] input)
    {
        var bytes = input.ToList();
        var at = bytes.Count == 0 ? 0 : (int)((uint)Position % (uint)bytes.Count);
        switch (Kind)
        {
            case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << (Value % 8)); break;
            case 1 when bytes.Count > 0: bytes[at] = (byte)Value; break;
            case 2: bytes.RemoveRange(at, bytes.Count - at); break;
            case 3: bytes.InsertRange(at, Enumerable.Range(0, Length).Select(i => (byte)(Value * 31 + i * 7))); break;
            case 4: bytes.RemoveRange(at, Math.Min(Length, bytes.Count - at)); break;
            case 5: Overwrite(bytes, at & ~3, BigEndianU32(Value)); break;
            case 6: Overwrite(bytes, at, LittleEndianI64(Value)); break;
            case 7: Overwrite(bytes, at, "77777777777"u8.ToArray()); break;
            case 8 when bytes.Count > 0: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(Length, bytes.Count - at))); break;
        }
        return [.. bytes];
    }

    private static byte[] BigEndianU32(int seed)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, (seed % 4) switch { 0 => uint.MaxValue, 1 => 0x7FFFFFFF, 2 => 0x80000000, _ => 0 });
        return b;
    }

    private static byte[] LittleEndianI64(int seed)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, (seed % 4) switch { 0 => long.MaxValue, 1 => -1, 2 => 1L << 40, _ => int.MaxValue });
        return b;
    }

    private static void Overwrite(List<byte> bytes, int at, byte[] value)
    {
        for (var i = 0; i < value.Length && at + i < bytes.Count; i++) bytes[at + i] = value[i];
    }
}

public static class Fuzz
{
    public static Gen<Mutation> Mutation { get; } =
        from kind in Gen.Choose(0, Reliability.Mutation.Kinds - 1)
        from position in Gen.Choose(0, int.MaxValue)
        from value in Gen.Choose(0, 255)
        from length in Gen.Choose(1, 600)
        select new Mutation(kind, position, value, length);

    /// <summary>One to four mutations applied in order.</summary>
    public static Gen<Mutation[]> Mutations { get; } = Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Mutation, n));

    public static byte[] Apply(byte[] input, IEnumerable<Mutation> mutations) => mutations.Aggregate(input, (b, m) => m.Apply(b));

    /// <summary>Time any one parse of a small corrupt input may take before it counts as a hang.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="parse"/> on a worker thread and returns what it threw (null when it succeeded). Fails when it
    /// does not finish within <see cref="Limit"/> (a hang), or when it allocates more than <paramref name="maxAllocatedBytes"/>
    /// of managed memory (a size taken from an unchecked header), or when it throws anything other than
    /// <typeparamref name="TExpected"/> (a crash instead of a typed, user-facing error).
    /// </summary>
    public static Exception? ExpectOnly<TExpected>(Action parse, long maxAllocatedBytes, string what) where TExpected : Exception
    {
        long allocated = 0;
        var task = Task.Run(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                parse();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
            finally
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
        });
        if (!task.Wait(Limit))
            throw new Xunit.Sdk.XunitException($"{what}: the parser did not finish within {Limit.TotalSeconds} s (a hang)");
        var error = task.Result;
        if (error is not null and not TExpected)
            throw new Xunit.Sdk.XunitException($"{what}: expected only {typeof(TExpected).Name}, got {error.GetType().FullName}: {error}");
        if (error is not null && (string.IsNullOrWhiteSpace(error.Message) || error.Message.Contains('\n')))
            throw new Xunit.Sdk.XunitException($"{what}: the message must be one non-empty line, got '{error.Message}'");
        if (allocated > maxAllocatedBytes)
            throw new Xunit.Sdk.XunitException($"{what}: allocated {allocated} bytes, above the {maxAllocatedBytes}-byte bound for this input");
        return error;
    }
}
