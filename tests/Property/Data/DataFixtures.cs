using System.IO.Compression;
using System.Text;
using Norms.Data;

namespace Norms.Property.Tests.Data;

/// <summary>Builders for small generated data files: idx files, tar archives, temp folders.</summary>
internal static class DataFixtures
{
    public static byte[] IdxImages(byte[] pixels, int count, int height, int width)
    {
        using var ms = new MemoryStream();
        IdxReader.WriteImages(ms, pixels, count, height, width);
        return ms.ToArray();
    }

    public static byte[] IdxLabels(byte[] labels)
    {
        using var ms = new MemoryStream();
        IdxReader.WriteLabels(ms, labels);
        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    public static byte[] Gunzip(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A fresh folder under the system temp folder, deleted when disposed.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "norms-test-" + Guid.NewGuid().ToString("N"));
        public TempFolder() => Directory.CreateDirectory(Path);
        public string File(string name, byte[] content)
        {
            var path = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllBytes(path, content);
            return path;
        }
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A tar entry to write; Type is the ustar type flag, DeclaredSize overrides the real size in the header.</summary>
    public sealed record TarEntrySpec(string Name, byte[] Data, char Type = '0', long? DeclaredSize = null, string LinkName = "", string? Prefix = null);

    /// <summary>Writes a ustar archive (with two zero end blocks).</summary>
    public static byte[] Tar(IEnumerable<TarEntrySpec> entries, bool endBlocks = true)
    {
        using var ms = new MemoryStream();
        WriteTar(ms, entries, endBlocks);
        return ms.ToArray();
    }

    public static void WriteTar(Stream output, IEnumerable<TarEntrySpec> entries, bool endBlocks = true)
    {
        foreach (var e in entries)
        {
            output.Write(TarHeader(e.Name, e.DeclaredSize ?? e.Data.Length, e.Type, e.LinkName, e.Prefix));
            output.Write(e.Data);
            output.Write(new byte[(512 - e.Data.Length % 512) % 512]);
        }
        if (endBlocks) output.Write(new byte[1024]);
    }

    public static byte[] TarHeader(string name, long size, char type, string linkName = "", string? prefix = null)
    {
        var h = new byte[512];
        Put(h, 0, 100, name);
        Put(h, 100, 8, "0000644");
        Put(h, 108, 8, "0000000");
        Put(h, 116, 8, "0000000");
        Put(h, 124, 12, Convert.ToString(size, 8).PadLeft(11, '0'));
        Put(h, 136, 12, "00000000000");
        h[156] = (byte)type;
        Put(h, 157, 100, linkName);
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(h, 257);
        Encoding.ASCII.GetBytes("00").CopyTo(h, 263);
        if (prefix is not null) Put(h, 345, 155, prefix);
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        var sum = h.Sum(b => (long)b);
        Put(h, 148, 8, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        return h;
    }

    /// <summary>A pax extended header entry ('x') carrying the given records.</summary>
    public static TarEntrySpec Pax(params (string Key, string Value)[] records)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in records)
        {
            var body = $" {key}={value}\n";
            var length = body.Length + 1;
            while ((length.ToString().Length + body.Length) != length) length = length.ToString().Length + body.Length;
            sb.Append(length).Append(body);
        }
        return new TarEntrySpec("PaxHeader", Encoding.UTF8.GetBytes(sb.ToString()), 'x');
    }

    private static void Put(byte[] h, int offset, int length, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > length) throw new ArgumentException($"'{value}' does not fit {length} bytes");
        bytes.CopyTo(h, offset);
    }

    /// <summary>Bytes allocated by this thread while running <paramref name="action"/> (to show nothing huge was allocated).</summary>
    public static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
