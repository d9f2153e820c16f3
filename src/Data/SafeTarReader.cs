using System.Text;

namespace Norms.Data;

/// <summary>An entry of a tar archive that passed the safety rules: a relative path without "..", a file or a directory.</summary>
public sealed record TarItem(string Path, long Size, bool IsDirectory);

/// <summary>
/// A minimal forward-only tar reader (ustar, GNU long names, pax path/size records) for reading an archive
/// straight from a (gzip) stream without extracting it. It refuses anything that could escape a target folder
/// or exhaust memory, whether or not the caller would use the entry: absolute paths, ".." segments,
/// symbolic and hard links, devices, and declared sizes above a cap. Header checksums are verified.
/// </summary>
public sealed class SafeTarReader(Stream stream, string archiveName, long maxEntrySize)
{
    private const int Block = 512;
    private const long MaxMetadataSize = 1 << 16;
    private readonly byte[] header = new byte[Block];
    private long remaining;
    private long padding;

    /// <summary>Moves to the next file or directory entry; null at the end of the archive.</summary>
    public TarItem? Next()
    {
        Skip(remaining + padding);
        remaining = padding = 0;
        string? longPath = null;
        long? paxSize = null;
        while (true)
        {
            var got = BoundedRead.ReadUpTo(stream, header);
            if (got == 0) return null;
            if (got < Block) throw Damaged($"truncated inside a header ({got} of {Block} bytes)");
            if (header.All(b => b == 0)) return null;
            VerifyChecksum();
            var type = (char)header[156];
            var size = ParseSize();
            var name = HeaderPath();
            switch (type)
            {
                case 'x':
                case 'g':
                {
                    var records = ReadMetadata(size, type == 'x' ? "pax header" : "pax global header");
                    if (type == 'x') ParsePax(records, ref longPath, ref paxSize);
                    continue;
                }
                case 'L':
                    longPath = Encoding.UTF8.GetString(ReadMetadata(size, "GNU long name")).TrimEnd('\0');
                    continue;
                case 'K':
                    ReadMetadata(size, "GNU long link name");
                    continue;
                case '1':
                    throw Unsafe(longPath ?? name, "is a hard link");
                case '2':
                    throw Unsafe(longPath ?? name, "is a symbolic link");
                case '0' or '\0' or '7' or '5':
                    break;
                default:
                    throw Unsafe(longPath ?? name, $"has entry type '{type}' (only files and folders are allowed)");
            }
            var path = CheckPath(longPath ?? name);
            size = paxSize ?? size;
            var isDirectory = type == '5' || path.EndsWith('/');
            if (isDirectory) size = 0;
            if (size > maxEntrySize)
                throw Unsafe(path, $"declares {size} bytes, above the {maxEntrySize}-byte limit for this archive");
            remaining = size;
            padding = (Block - size % Block) % Block;
            return new TarItem(path.TrimEnd('/'), size, isDirectory);
        }
    }

    /// <summary>Reads the whole data of the current entry; <paramref name="destination"/> must be exactly its size.</summary>
    public void ReadData(Span<byte> destination)
    {
        if (destination.Length != remaining)
            throw new ArgumentException($"destination holds {destination.Length} bytes, the entry has {remaining} unread");
        var got = BoundedRead.ReadUpTo(stream, destination);
        if (got < destination.Length) throw Damaged($"ends inside an entry ({got} of {destination.Length} bytes)");
        remaining = 0;
    }

    private void Skip(long count)
    {
        Span<byte> scratch = stackalloc byte[8192];
        while (count > 0)
        {
            var chunk = (int)Math.Min(count, scratch.Length);
            var got = BoundedRead.ReadUpTo(stream, scratch[..chunk]);
            if (got < chunk) throw Damaged("ends inside an entry");
            count -= chunk;
        }
    }

    private byte[] ReadMetadata(long size, string what)
    {
        if (size > MaxMetadataSize)
            throw Damaged($"{what} declares {size} bytes, above the {MaxMetadataSize}-byte limit");
        var data = new byte[size];
        var got = BoundedRead.ReadUpTo(stream, data);
        if (got < size) throw Damaged($"ends inside a {what}");
        Skip((Block - size % Block) % Block);
        return data;
    }

    private static void ParsePax(byte[] records, ref string? path, ref long? size)
    {
        // Records are "<length> <key>=<value>\n"; only path and size matter here.
        var text = Encoding.UTF8.GetString(records);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            var equals = line.IndexOf('=');
            if (space < 0 || equals < space) continue;
            var key = line[(space + 1)..equals];
            var value = line[(equals + 1)..];
            if (key == "path") path = value;
            else if (key == "size" && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s)) size = s;
        }
    }

    private void VerifyChecksum()
    {
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        var stored = ParseOctal(header.AsSpan(148, 8), "checksum");
        if (stored != unsigned && stored != signed)
            throw Damaged($"header checksum {stored} does not match {unsigned}");
    }

    private long ParseSize()
    {
        var field = header.AsSpan(124, 12);
        if ((field[0] & 0x80) == 0) return ParseOctal(field, "size");
        // GNU base-256: a negative number (0xff lead) is never a valid size.
        if (field[0] == 0xff) throw Damaged("negative entry size");
        long value = field[0] & 0x7f;
        foreach (var b in field[1..])
        {
            if (value > (long.MaxValue >> 8)) throw Damaged("entry size overflows");
            value = (value << 8) | b;
        }
        return value;
    }

    private long ParseOctal(ReadOnlySpan<byte> field, string what)
    {
        long value = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (digits > 0) break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7') throw Damaged($"{what} field is not octal");
            if (value > (long.MaxValue >> 3)) throw Damaged($"{what} field overflows");
            value = (value << 3) | (long)(b - '0');
            digits++;
        }
        return value;
    }

    private string HeaderPath()
    {
        var name = CString(header.AsSpan(0, 100));
        var isPosixUstar = header.AsSpan(257, 6).SequenceEqual("ustar\0"u8);
        var prefix = isPosixUstar ? CString(header.AsSpan(345, 155)) : "";
        return prefix.Length > 0 ? prefix + "/" + name : name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private string CheckPath(string path)
    {
        if (path.Length == 0) throw Unsafe(path, "has an empty name");
        if (path.Any(char.IsControl)) throw Unsafe(path, "has a control character in its name");
        if (path.StartsWith('/') || path.Contains('\\') || (path.Length >= 2 && path[1] == ':'))
            throw Unsafe(path, "has an absolute or non-portable path (leading /, drive letter or backslash)");
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        if (path.Split('/').Any(segment => segment == ".."))
            throw Unsafe(path, "climbs out of the archive folder with '..'");
        return path;
    }

    private DataFormatException Unsafe(string path, string problem) =>
        new($"{archiveName}: entry '{Printable(path)}' {problem}; refusing the archive, download the official one again.");

    /// <summary>A name from the archive as it may appear in a one-line message: control characters shown as '?', at most 200 characters.</summary>
    private static string Printable(string name)
    {
        var clean = new string(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 200 ? clean : clean[..200] + "...";
    }

    private DataFormatException Damaged(string problem) =>
        new($"{archiveName}: tar archive is damaged ({problem}); download it again.");
}
