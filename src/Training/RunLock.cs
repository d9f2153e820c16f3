using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Norms.Training;

/// <summary>
/// A run folder's lock file (run.lock), holding the PID of the process training into the folder. <see cref="TryTake"/>
/// fails (returns the other PID) when the file names a live process other than this one; a lock left by a dead process
/// is stale and taken over. The file is created with CreateNew, so of two processes starting at once exactly one wins.
/// </summary>
public static class RunLock
{
    /// <summary>Claims <paramref name="lockFile"/> (its folder must exist) for this process; dispose the returned handle to
    /// release it. Null, with the owner's PID in <paramref name="otherPid"/>, when a live process holds it.</summary>
    public static IDisposable? TryTake(string lockFile, out int otherPid)
    {
        otherPid = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var stream = new FileStream(lockFile, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    try
                    {
                        stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
                        stream.Flush(flushToDisk: true);
                    }
                    catch (IOException e)
                    {
                        // Created but not written (a full disk): leave no empty lock behind, and report the real cause.
                        try { stream.Dispose(); } catch (IOException) { }
                        try { File.Delete(lockFile); } catch (IOException) { }
                        throw new LockWriteException(e);
                    }
                }
                return new Release(lockFile);
            }
            catch (LockWriteException e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
            }
            catch (IOException) when (File.Exists(lockFile))
            {
                var owner = ReadOwner(lockFile);
                if (owner == Environment.ProcessId) return new Release(lockFile);
                if (owner is { } pid && IsAlive(pid))
                {
                    otherPid = pid;
                    return null;
                }
                // Stale (its process is gone) or half-written by a process that died: remove it and try again.
                try { File.Delete(lockFile); } catch (IOException) { }
            }
        }
        otherPid = ReadOwner(lockFile) ?? 0;
        return null;
    }

    /// <summary>The lock file could be created but not written: a disk problem, not another process.</summary>
    private sealed class LockWriteException(IOException inner) : Exception(inner.Message, inner);

    private static int? ReadOwner(string lockFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(lockFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
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
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
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

    private sealed class Release(string file) : IDisposable
    {
        public void Dispose()
        {
            try { File.Delete(file); } catch (IOException) { /* the lock is stale once this process is gone */ }
        }
    }
}
