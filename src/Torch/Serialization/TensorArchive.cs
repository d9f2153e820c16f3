using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Norms.Torch.Serialization;

/// <summary>
/// The Norms tensor archive: named tensors plus a UTF-8 metadata string, and nothing that could
/// name a type to instantiate. Layout (little-endian):
/// <code>
///   "NORMSTA1"                    8 bytes magic (the digit is the version)
///   u32 metadata length, bytes    UTF-8, at most 1 MiB
///   u32 entry count               at most 100,000
///   entries:  u16 name length, UTF-8 name (1..1024 bytes, unique)
///             u8 dtype (c10::ScalarType code: 0 u8, 3 i32, 4 i64, 6 f32, 7 f64, 11 bool)
///             u8 ndim (at most 8), i64 dims[ndim] (each 0..2^40)
///             i64 payload length (= numel·element size), payload (row-major, contiguous)
///   32 bytes SHA-256 of everything above
/// </code>
/// Readers check every length against the bytes that remain before allocating, and the hash
/// before returning anything. The archive is written to and read from a stream; files (a temporary file renamed over
/// the target, the size limit) are the caller's.
/// </summary>
public static class TensorArchive
{
    private static readonly byte[] Magic = "NORMSTA1"u8.ToArray();
    private const int MaxMetadata = 1 << 20;
    private const int MaxEntries = 100_000;
    private const int MaxName = 1024;
    private const int MaxDims = 8;
    private const long MaxDim = 1L << 40;

    public static void Write(Stream stream, IEnumerable<(string Name, Tensor Tensor)> entries, string metadata = "")
    {
        var list = entries.ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            hash.AppendData(bytes);
        }
        Span<byte> b8 = stackalloc byte[8];

        Put(Magic);
        var meta = Encoding.UTF8.GetBytes(metadata);
        if (meta.Length > MaxMetadata) throw new ArgumentException("archive metadata is larger than 1 MiB");
        BinaryPrimitives.WriteUInt32LittleEndian(b8, (uint)meta.Length);
        Put(b8[..4]);
        Put(meta);
        BinaryPrimitives.WriteUInt32LittleEndian(b8, (uint)list.Count);
        Put(b8[..4]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in list)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            if (nameBytes.Length is 0 or > MaxName) throw new ArgumentException($"tensor name '{name}' must be 1 to {MaxName} UTF-8 bytes");
            if (!seen.Add(name)) throw new ArgumentException($"tensor name '{name}' appears twice");
            BinaryPrimitives.WriteUInt16LittleEndian(b8, (ushort)nameBytes.Length);
            Put(b8[..2]);
            Put(nameBytes);
            var shape = tensor.Shape;
            if (shape.Length > MaxDims) throw new ArgumentException($"tensor '{name}' has more than {MaxDims} dimensions");
            Put([(byte)tensor.Dtype, (byte)shape.Length]);
            foreach (var d in shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(b8, d);
                Put(b8);
            }
            var payload = Payload(tensor);
            BinaryPrimitives.WriteInt64LittleEndian(b8, payload.Length);
            Put(b8);
            Put(payload);
        }
        stream.Write(hash.GetHashAndReset());
    }

    private static byte[] Payload(Tensor t) => t.Dtype switch
    {
        ScalarType.Float32 => Bytes(t.ToArray<float>()),
        ScalarType.Float64 => Bytes(t.ToArray<double>()),
        ScalarType.Int64 => Bytes(t.ToArray<long>()),
        ScalarType.Int32 => Bytes(t.ToArray<int>()),
        ScalarType.UInt8 => t.ToArray<byte>(),
        ScalarType.Bool => Bytes(t.ToArray<bool>()),
        var other => throw new ArgumentException($"dtype {other} cannot be archived"),
    };

    private static byte[] Bytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>Reads an archive held entirely in <paramref name="data"/>; the caller owns the returned tensors.</summary>
    public static (Dictionary<string, Tensor> Tensors, string Metadata) Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < Magic.Length + 8 + 32) throw new TensorArchiveException("not a Norms tensor archive: the file is too short");
        if (!data[..Magic.Length].SequenceEqual(Magic)) throw new TensorArchiveException("not a Norms tensor archive: bad magic bytes");
        var body = data[..^32];
        var expected = data[^32..];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(expected))
            throw new TensorArchiveException("the archive is corrupt or truncated: its checksum does not match");

        var reader = new SpanReader(body[Magic.Length..]);
        var metaLength = reader.U32("metadata length");
        if (metaLength > MaxMetadata) throw new TensorArchiveException($"metadata length {metaLength} exceeds 1 MiB");
        var metadata = Encoding.UTF8.GetString(reader.Take(metaLength, "metadata"));
        var count = reader.U32("entry count");
        if (count > MaxEntries) throw new TensorArchiveException($"entry count {count} exceeds {MaxEntries}");

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var nameLength = reader.U16("name length");
                if (nameLength is 0 or > MaxName) throw new TensorArchiveException($"entry {i}: name length {nameLength} is out of range");
                var name = Encoding.UTF8.GetString(reader.Take(nameLength, "name"));
                // Names go into one-line error messages; Norms never writes control characters in them.
                if (name.Any(char.IsControl)) throw new TensorArchiveException($"entry {i}: its name holds control characters");
                var dtype = (ScalarType)reader.U8("dtype");
                if (!Enum.IsDefined(dtype)) throw new TensorArchiveException($"entry '{name}': unknown dtype code {(int)dtype}");
                var ndim = reader.U8("ndim");
                if (ndim > MaxDims) throw new TensorArchiveException($"entry '{name}': {ndim} dimensions exceed {MaxDims}");
                var shape = new long[ndim];
                long numel = 1;
                for (var d = 0; d < ndim; d++)
                {
                    shape[d] = reader.I64("dimension");
                    if (shape[d] is < 0 or > MaxDim) throw new TensorArchiveException($"entry '{name}': dimension {shape[d]} is out of range");
                    // Every element takes at least one byte, so a shape larger than what remains is
                    // impossible; checking before multiplying also rules out overflow.
                    if (shape[d] != 0 && numel > reader.Remaining / shape[d])
                        throw new TensorArchiveException($"entry '{name}': shape [{string.Join(",", shape[..(d + 1)])}...] is larger than the archive");
                    numel *= shape[d];
                }
                var length = reader.I64("payload length");
                if (length != checked(numel * dtype.ElementSize()))
                    throw new TensorArchiveException($"entry '{name}': payload of {length} bytes does not match shape [{string.Join(",", shape)}] of {dtype}");
                if (length > reader.Remaining) throw new TensorArchiveException($"entry '{name}': payload runs past the end of the archive");
                var payload = reader.Take((int)length, "payload");
                if (!result.TryAdd(name, Create(payload, dtype, shape).DetachFromScope()))
                    throw new TensorArchiveException($"entry '{name}' appears twice");
            }
            if (reader.Remaining != 0) throw new TensorArchiveException($"{reader.Remaining} unexpected bytes after the last entry");
        }
        catch (Exception e) when (e is OverflowException or ArgumentException)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new TensorArchiveException($"the archive is malformed: {e.Message}");
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return (result, metadata);
    }

    private static Tensor Create(ReadOnlySpan<byte> payload, ScalarType dtype, long[] shape) => dtype switch
    {
        ScalarType.UInt8 => Tensor.FromSpan(payload, shape),
        ScalarType.Bool => Tensor.FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, bool>(payload), shape),
        ScalarType.Int32 => Tensor.FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(payload), shape),
        ScalarType.Int64 => Tensor.FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(payload), shape),
        ScalarType.Float32 => Tensor.FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(payload), shape),
        ScalarType.Float64 => Tensor.FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(payload), shape),
        _ => throw new TensorArchiveException($"dtype {dtype} cannot be read"),
    };

    /// <summary>The largest archive <see cref="Read(Stream, long)"/> takes by default: 2 GiB.</summary>
    public const long DefaultMaxBytes = 1L << 31;

    /// <summary>Reads the archive that fills the rest of <paramref name="stream"/>; one larger than <paramref name="maxBytes"/>
    /// is refused before anything is read (a file stream names its file in the message). The caller owns the returned tensors.</summary>
    public static (Dictionary<string, Tensor> Tensors, string Metadata) Read(Stream stream, long maxBytes = DefaultMaxBytes)
    {
        var name = stream is FileStream file ? file.Name : "the archive";
        if (stream.CanSeek)
        {
            var length = stream.Length - stream.Position;
            if (length > maxBytes) throw new TensorArchiveException($"{name} is {length} bytes, more than the {maxBytes}-byte limit for a tensor archive");
            if (length > Array.MaxLength) throw new TensorArchiveException($"{name} is {length} bytes, more than one array can hold");
            var data = new byte[length];
            stream.ReadExactly(data);
            return Read(data);
        }
        using var copy = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > Math.Min(maxBytes, Array.MaxLength))
                throw new TensorArchiveException($"{name} is more than the {maxBytes}-byte limit for a tensor archive");
            copy.Write(buffer, 0, read);
        }
        return Read(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly int Remaining => _rest.Length;

        public ReadOnlySpan<byte> Take(long n, string what)
        {
            if (n < 0 || n > _rest.Length) throw new TensorArchiveException($"the archive ends inside the {what}");
            var s = _rest[..(int)n];
            _rest = _rest[(int)n..];
            return s;
        }

        public byte U8(string what) => Take(1, what)[0];
        public ushort U16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));
        public uint U32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));
        public long I64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));
    }
}
