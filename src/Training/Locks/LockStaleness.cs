namespace Norms.Training;

/// <summary>Whether a lock's owner still trains, as far as a claimant can tell; <see cref="Reason"/> says why, for tests and messages.</summary>
public sealed record LockVerdict(bool Stale, string Reason);

/// <summary>
/// The rule that decides whether a run.lock is stale, a pure function of what the claimant knows:
/// <list type="number">
/// <item>a token this process holds: live (another run inside this process has the folder);</item>
/// <item>an owner in the claimant's process namespace (same host, boot and namespace): its process id decides at once.
/// The claimant's own id with a token it does not hold is an earlier process that had this id (a restarted container's
/// process 1): stale. Another id: stale when that process is gone or a zombie, or alive but silent past
/// <see cref="StaleAfter"/> (the id reused);</item>
/// <item>any other owner (another machine, container or boot): stale once its heartbeat is older than
/// <see cref="StaleAfter"/>. A legacy lock (a bare process id) has no heartbeat and is judged by rule 2 only.</item>
/// </list>
/// Rule 3 trusts the clocks of the machines sharing a folder to agree within StaleAfter less <see cref="RunLock.HeartbeatEvery"/>.
/// </summary>
public static class LockStaleness
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    public static LockVerdict Judge(LockOwner held, LockOwner me, DateTimeOffset now, Func<int, bool> isAlive, Func<string, bool> heldHere)
    {
        if (held.Token.Length > 0 && heldHere(held.Token)) return new(false, "held by another run in this process");
        if (held.SharesProcessesWith(me))
        {
            if (held.Pid == me.Pid) return new(true, "written by an earlier process with this process's id");
            if (!isAlive(held.Pid)) return new(true, "its process is gone");
            // Alive but silent: the id was reused by an unrelated process after the owner died.
            return held.Heartbeat != DateTimeOffset.MinValue && now - held.Heartbeat > StaleAfter
                ? new(true, "its process id is alive but has not beaten for over a minute (reused)")
                : new(false, "its process is alive");
        }
        var age = now - held.Heartbeat;
        return age > StaleAfter
            ? new(true, $"its heartbeat stopped {age.TotalSeconds:F0} s ago")
            : new(false, "its heartbeat is recent");
    }
}
