using System.Globalization;
using System.Text;

namespace Norms.Studies;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/>: the runs one worker of a sharded study takes. A run belongs to the
/// shard its id hashes to (FNV-1a 64 of the id's UTF-8 bytes, modulo the count), so every worker of every machine,
/// knowing only the spec, agrees on the split without talking to the others (string.GetHashCode is randomized per
/// process, so it would not do). The ids are already a hash of what a run trains, so the split is near even.
/// </summary>
public readonly record struct StudyShard(int Index, int Count)
{
    /// <summary>The whole study: one worker, or workers that share the runs through their locks only.</summary>
    public static readonly StudyShard Whole = new(0, 1);

    /// <summary>The most shards a study is split into (a study of more runs than this is not a thing to shard finer).</summary>
    public const int MaxCount = 100_000;

    public bool Owns(string runId) => Of(runId, Count) == Index;

    /// <summary>The shard of <paramref name="count"/> that <paramref name="runId"/> belongs to.</summary>
    public static int Of(string runId, int count) => (int)(Fnv1a64(runId) % (ulong)count);

    /// <summary>FNV-1a, 64 bits: a fixed, published function, so a change of it is a change a test sees.</summary>
    public static ulong Fnv1a64(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    /// <summary>"I/N" read, or why not, in words that name the fix.</summary>
    public static (StudyShard? Shard, string? Problem) Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !Digits(parts[0], out var index) || !Digits(parts[1], out var count))
            return (null, $"--shard takes I/N (this worker's index and the number of workers, e.g. --shard 0/4), not '{text}'");
        return Checked(index, count, "--shard");
    }

    /// <summary>Index and count checked: 1 &lt;= count &lt;= <see cref="MaxCount"/>, 0 &lt;= index &lt; count.</summary>
    public static (StudyShard? Shard, string? Problem) Checked(long index, long count, string what)
    {
        if (count < 1 || count > MaxCount)
            return (null, $"{what}: the number of shards must be 1 to {MaxCount.ToString(CultureInfo.InvariantCulture)}, got {count.ToString(CultureInfo.InvariantCulture)}");
        if (index < 0 || index >= count)
            return (null, $"{what}: shard index {index.ToString(CultureInfo.InvariantCulture)} is not in 0..{(count - 1).ToString(CultureInfo.InvariantCulture)}; the indices of {count.ToString(CultureInfo.InvariantCulture)} shards start at 0 (e.g. --shard 0/{count.ToString(CultureInfo.InvariantCulture)})");
        return (new StudyShard((int)index, (int)count), null);
    }

    public override string ToString() => $"{Index.ToString(CultureInfo.InvariantCulture)}/{Count.ToString(CultureInfo.InvariantCulture)}";

    private static bool Digits(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && text.Length <= 9;
}
