using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Norms.Data;

namespace Norms.Training;

/// <summary>
/// A run folder's lock file, run.lock: one <see cref="LockOwner"/> as JSON, its heartbeat rewritten every
/// <see cref="HeartbeatEvery"/> while the run trains. <see cref="TryTake"/> creates the file with CreateNew, so of two
/// claimants starting at once exactly one wins; it takes over a lock <see cref="LockStaleness"/> judges stale (a dead
/// worker's, on this machine or another sharing the folder) and refuses a live one, returning its owner.
/// Taking over happens under a guard (run.lock.takeover, also created with CreateNew): its holder reads the lock again
/// and deletes it only if it is still the lock judged stale, then competes in CreateNew like anyone. So of claimants
/// that judged one lock stale at once exactly one gets it, and a winner's fresh lock is never removed (moving the stale
/// file aside, as an earlier version did, could move a winner's lock and let several in: a test raced six claimants).
/// </summary>
public static class RunLock
{
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(10);

    /// <summary>The tokens of the claims this process holds: runs inside one process (study --jobs) tell each other apart by them.</summary>
    private static readonly ConcurrentDictionary<string, byte> Held = new();

    /// <summary>Claims <paramref name="lockFile"/> (its folder must exist); dispose the handle to release it. Null, with
    /// the live owner in <paramref name="owner"/>, when another worker holds it.</summary>
    /// <param name="isAlive">Whether a process of this machine lives (tests pass their own; the default asks the OS).</param>
    public static IDisposable? TryTake(string lockFile, out LockOwner? owner, TimeProvider? clock = null, Func<int, bool>? isAlive = null)
    {
        clock ??= TimeProvider.System;
        isAlive ??= IsAlive;
        var me = ThisProcess(clock.GetUtcNow());
        owner = null;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (TryCreate(lockFile, me)) return new Claim(lockFile, me, clock);
            var text = ReadOrNull(lockFile);
            if (text is null) continue; // released meanwhile: try again
            var held = LockOwner.Parse(text, me);
            if (held is not null && !LockStaleness.Judge(held, me, clock.GetUtcNow(), isAlive, Held.ContainsKey).Stale)
            {
                owner = held;
                return null;
            }
            // CreateNew makes the file before its owner's line is in it: a garbled lock this young is being written by a
            // claimant that won, not left by one that died mid-write, so it is live.
            if (held is null && IsYoung(lockFile, clock.GetUtcNow())) return null;
            TakeOver(lockFile, text, clock.GetUtcNow());
        }
        owner = LockOwner.Parse(ReadOrNull(lockFile) ?? "", me);
        return null;
    }

    /// <summary>The live owner of <paramref name="lockFile"/>, or null when there is no lock or it is stale: whether a run
    /// whose result.json says "running" really trains, or died (SIGKILL, a lost machine) and is interrupted.</summary>
    public static LockOwner? LiveOwner(string lockFile, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        if (ReadOrNull(lockFile) is not { } text) return null;
        var me = ThisProcess(clock.GetUtcNow());
        var held = LockOwner.Parse(text, me);
        return held is not null && !LockStaleness.Judge(held, me, clock.GetUtcNow(), IsAlive, Held.ContainsKey).Stale ? held : null;
    }

    /// <summary>This process as an owner: host name, boot id and process namespace from /proc where Linux has them
    /// (empty elsewhere, so then only host and id tell processes apart), a fresh token, and <paramref name="now"/>.</summary>
    public static LockOwner ThisProcess(DateTimeOffset now) =>
        new(Environment.MachineName, ReadProc("/proc/sys/kernel/random/boot_id"), PidNamespace(), Environment.ProcessId,
            Guid.NewGuid().ToString("N"), now);

    private static bool TryCreate(string lockFile, LockOwner me)
    {
        try
        {
            using var stream = new FileStream(lockFile, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            try
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(me.ToJson()));
                stream.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // Created but not written (a full disk): leave no empty lock behind, and report the real cause.
                try { stream.Dispose(); } catch (IOException) { }
                try { File.Delete(lockFile); } catch (IOException) { }
                throw;
            }
            Held[me.Token] = 0;
            return true;
        }
        catch (IOException e) when (AlreadyExists(e) || File.Exists(lockFile))
        {
            return false;
        }
    }

    /// <summary>CreateNew failed because the file was there. Its error code says so (EEXIST where errno is, ERROR_FILE_EXISTS
    /// on Windows), even when a takeover deleted the file before this claimant could look: File.Exists alone then said no,
    /// and the race test saw the exception escape.</summary>
    private static bool AlreadyExists(IOException e) =>
        e.HResult is 17 or unchecked((int)0x80070050) or unchecked((int)0x800700B7);

    /// <summary>Deletes the stale lock (whose text was <paramref name="judged"/>) if this claimant holds the takeover guard
    /// and the lock is still that one. A guard older than <see cref="WriteGrace"/> was left by a claimant that died inside
    /// its takeover (a few file operations long), so it is removed and the next attempt tries again.</summary>
    private static void TakeOver(string lockFile, string judged, DateTimeOffset now)
    {
        var guard = lockFile + ".takeover";
        FileStream held;
        try
        {
            held = new FileStream(guard, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException e) when (AlreadyExists(e) || File.Exists(guard))
        {
            // Another claimant is taking it over (or just did, and its guard is gone already: CI saw that race escape
            // as an exception): see what it leaves. Only a guard that is still there and old is a dead claimant's.
            if (Age(guard, now) is { } age && age >= WriteGrace) try { File.Delete(guard); } catch (IOException) { }
            else Thread.Sleep(10);
            return;
        }
        try
        {
            if (ReadOrNull(lockFile) == judged) File.Delete(lockFile);
        }
        catch (IOException)
        {
            // Not deleted: the next attempt reads it again.
        }
        finally
        {
            held.Dispose();
            try { File.Delete(guard); } catch (IOException) { }
        }
    }

    /// <summary>How long a lock file may stay garbled (empty, or half its line) while its claimant writes it.</summary>
    public static readonly TimeSpan WriteGrace = TimeSpan.FromSeconds(5);

    private static bool IsYoung(string lockFile, DateTimeOffset now) => Age(lockFile, now) is { } age && age < WriteGrace;

    /// <summary>How long ago <paramref name="file"/> was last written; null when it is not there (File.GetLastWriteTimeUtc
    /// says 1601 for a missing file, which read as "very old" let a claimant delete a guard another had just created).</summary>
    private static TimeSpan? Age(string file, DateTimeOffset now)
    {
        try
        {
            var info = new FileInfo(file);
            return info.Exists ? now - new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadOrNull(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ReadProc(string file) => ReadOrNull(file)?.Trim() ?? "";

    private static string PidNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/pid").LinkTarget ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static bool IsAlive(int pid)
    {
        if (IsZombie(pid)) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A killed process whose parent has not reaped it yet still has a PID (state Z in /proc): it trains nothing,
    /// so its lock is stale. Where /proc does not exist this says false and the PID check alone decides.</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A held lock: beats every <see cref="HeartbeatEvery"/> (rewriting the file whole, and only while it is still
    /// this claim's: a claim taken over by another worker stops beating) and deletes the file on dispose.</summary>
    private sealed class Claim : IDisposable
    {
        private readonly string file;
        private readonly TimeProvider clock;
        private readonly Lock gate = new();
        private LockOwner owner;
        private readonly ITimer timer;
        private bool released;

        public Claim(string file, LockOwner owner, TimeProvider clock)
        {
            (this.file, this.owner, this.clock) = (file, owner, clock);
            timer = clock.CreateTimer(_ => Beat(), null, HeartbeatEvery, HeartbeatEvery);
        }

        private bool StillOurs() => LockOwner.Parse(ReadOrNull(file) ?? "", owner)?.Token == owner.Token;

        private void Beat()
        {
            lock (gate)
            {
                if (released || !StillOurs()) return;
                owner = owner with { Heartbeat = clock.GetUtcNow() };
                try { AtomicFile.WriteAllText(file, owner.ToJson()); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
        }

        public void Dispose()
        {
            timer.Dispose();
            lock (gate)
            {
                if (released) return;
                released = true;
                Held.TryRemove(owner.Token, out _);
                try { if (StillOurs()) File.Delete(file); } catch (IOException) { /* the lock is stale once this process is gone */ }
            }
        }
    }
}
