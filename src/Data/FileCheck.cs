using System.IO.Compression;
using System.Security.Cryptography;

namespace Norms.Data;

/// <summary>How a downloaded file is verified before it is moved into place.</summary>
public abstract record FileCheck
{
    /// <summary>Size in bytes of the file as downloaded, when known; larger downloads are aborted.</summary>
    public abstract long? DownloadLength { get; }

    /// <summary>Null when the file passes, else a short description of the mismatch.</summary>
    public abstract string? Verify(string path);

    /// <summary>SHA-256 of the file itself.</summary>
    public sealed record Sha256(string Hex, long Length) : FileCheck
    {
        public override long? DownloadLength => Length;
        public override string? Verify(string path) => CheckLengthThenHash(path, Length, SHA256.Create, Hex, "sha256");
    }

    /// <summary>MD5 of the file itself: the only checksum the CIFAR-10 authors publish.</summary>
    public sealed record Md5(string Hex, long Length) : FileCheck
    {
        public override long? DownloadLength => Length;
        public override string? Verify(string path) => CheckLengthThenHash(path, Length, MD5.Create, Hex, "md5");
    }

    /// <summary>
    /// SHA-256 of the decompressed content of a .gz file: verifies what we read, whatever gzip settings
    /// the mirror used. Decompression stops at <paramref name="RawLength"/> + 1 bytes, so a bomb cannot run away.
    /// </summary>
    public sealed record GunzippedSha256(string Hex, long RawLength) : FileCheck
    {
        // A gzip of real data is never larger than the raw bytes plus a little framing.
        public override long? DownloadLength => RawLength + 1024;

        public override string? Verify(string path)
        {
            try
            {
                using var file = File.OpenRead(path);
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                using var sha = SHA256.Create();
                var buffer = new byte[1 << 16];
                long total = 0;
                while (total <= RawLength)
                {
                    var read = gzip.Read(buffer, 0, (int)Math.Min(buffer.Length, RawLength + 1 - total));
                    if (read == 0) break;
                    sha.TransformBlock(buffer, 0, read, null, 0);
                    total += read;
                }
                sha.TransformFinalBlock([], 0, 0);
                if (total != RawLength) return $"decompresses to {(total > RawLength ? "more than " : "")}{total} bytes, expected {RawLength}";
                var actual = Convert.ToHexStringLower(sha.Hash!);
                return string.Equals(actual, Hex, StringComparison.OrdinalIgnoreCase) ? null : $"sha256 of the content is {actual}, expected {Hex}";
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                return $"is not a valid gzip file ({e.Message})";
            }
        }
    }

    private static string? CheckLengthThenHash(string path, long length, Func<HashAlgorithm> create, string hex, string name)
    {
        var actualLength = new FileInfo(path).Length;
        if (actualLength != length) return $"is {actualLength} bytes, expected {length}";
        using var algorithm = create();
        using var file = File.OpenRead(path);
        var actual = Convert.ToHexStringLower(algorithm.ComputeHash(file));
        return string.Equals(actual, hex, StringComparison.OrdinalIgnoreCase) ? null : $"{name} is {actual}, expected {hex}";
    }
}

/// <summary>A file to fetch: its name in the cache folder, where to get it (tried in order), and how to verify it.</summary>
public sealed record RemoteFile(string FileName, IReadOnlyList<Uri> Sources, FileCheck Check)
{
    public bool Equals(RemoteFile? other) =>
        other is not null && FileName == other.FileName && Check == other.Check && Sources.SequenceEqual(other.Sources);

    public override int GetHashCode() => HashCode.Combine(FileName, Check, Sources.Count);
}

/// <summary>Progress of one download; <see cref="TotalBytes"/> is null when the server does not say.</summary>
public readonly record struct DownloadProgress(string FileName, long BytesReceived, long? TotalBytes);
