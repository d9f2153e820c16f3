using Norms.Training;

namespace Norms.Property.Tests.Training;

/// <summary>run.lock's owner record and staleness rule: another worker's lock is recognized as stale by its heartbeat,
/// containers whose workers are all process 1 are told apart, and runs inside one process refuse each other.</summary>
public sealed class RunLockOwnerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
    private static readonly LockOwner Me = new("host-a", "boot-1", "pid:[1]", 1, "mine", Now);

    private static LockVerdict Judge(LockOwner held, bool alive = true, bool heldHere = false) =>
        LockStaleness.Judge(held, Me, Now, _ => alive, _ => heldHere);

    [Fact]
    public void AnotherMachinesLockIsLiveWhileItBeatsAndStaleAfterAMinuteOfSilence()
    {
        var other = Me with { Host = "host-b", Pid = 77, Token = "theirs" };
        Assert.False(Judge(other with { Heartbeat = Now.AddSeconds(-30) }).Stale);
        Assert.True(Judge(other with { Heartbeat = Now.AddSeconds(-61) }).Stale);
        // Its process id means nothing here: a dead id on this machine does not make it stale.
        Assert.False(Judge(other with { Heartbeat = Now.AddSeconds(-5) }, alive: false).Stale);
    }

    [Fact]
    public void ContainersWhoseWorkersAreAllProcessOneAreToldApartByTheirPidNamespace()
    {
        var sibling = Me with { PidNamespace = "pid:[2]", Token = "theirs", Heartbeat = Now.AddSeconds(-3) };
        Assert.False(Judge(sibling).Stale);
        // The same namespace and this process's own id, with a token this process does not hold: an earlier incarnation.
        Assert.True(Judge(Me with { Token = "earlier", Heartbeat = Now.AddSeconds(-3) }).Stale);
    }

    [Fact]
    public void ARunInsideThisProcessHoldsItsFolderAgainstAnother()
    {
        Assert.False(Judge(Me, heldHere: true).Stale);
    }

    [Fact]
    public void OnThisMachineTheProcessDecidesAndAReusedIdIsCaughtByItsSilence()
    {
        var local = Me with { Pid = 500, Token = "theirs", Heartbeat = Now.AddSeconds(-5) };
        Assert.False(Judge(local, alive: true).Stale);
        Assert.True(Judge(local, alive: false).Stale);
        Assert.True(Judge(local with { Heartbeat = Now.AddMinutes(-5) }, alive: true).Stale);
    }

    [Fact]
    public void ABarePidIsReadAsALocalOwnerWithoutAHeartbeat()
    {
        var legacy = LockOwner.Parse("1234\n", Me)!;
        Assert.Equal(1234, legacy.Pid);
        Assert.True(legacy.SharesProcessesWith(Me));
        Assert.False(Judge(legacy, alive: true).Stale);
        Assert.True(Judge(legacy, alive: false).Stale);
        Assert.Null(LockOwner.Parse("{\"host\": 3", Me));
        Assert.Equal(Me, LockOwner.Parse(Me.ToJson(), Me));
    }

    [Fact]
    public void ASecondClaimInTheSameProcessIsRefused()
    {
        var folder = new RunFolder(Directory.CreateTempSubdirectory("norms-lock-").FullName);
        try
        {
            using var first = folder.TryLock(out _);
            Assert.NotNull(first);
            Assert.Null(folder.TryLock(out var owner));
            Assert.Equal(Environment.ProcessId, owner!.Pid);
        }
        finally
        {
            Directory.Delete(folder.Path, recursive: true);
        }
    }

    [Fact]
    public void AnotherMachinesSilentLockIsTakenOverAndALiveOneIsNot()
    {
        var folder = new RunFolder(Directory.CreateTempSubdirectory("norms-lock-").FullName);
        try
        {
            var remote = new LockOwner("elsewhere", "boot-x", "pid:[9]", 1, "remote", DateTimeOffset.UtcNow);
            File.WriteAllText(folder.LockFile, remote.ToJson());
            Assert.Null(folder.TryLock(out var owner));
            Assert.Equal("elsewhere", owner!.Host);
            File.WriteAllText(folder.LockFile, (remote with { Heartbeat = DateTimeOffset.UtcNow.AddMinutes(-2) }).ToJson());
            using var claim = folder.TryLock(out _);
            Assert.NotNull(claim);
            Assert.DoesNotContain(Directory.EnumerateFiles(folder.Path), f => f.EndsWith(".stale", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder.Path, recursive: true);
        }
    }

    [Fact]
    public void AHeldClaimBeatsUntilItIsTakenFromIt()
    {
        var folder = new RunFolder(Directory.CreateTempSubdirectory("norms-lock-").FullName);
        var clock = new ManualClock(Now);
        try
        {
            using var claim = folder.TryLock(out _, clock);
            Assert.NotNull(claim);
            clock.Advance(TimeSpan.FromSeconds(10));
            var beat = LockOwner.Parse(File.ReadAllText(folder.LockFile), Me)!;
            Assert.Equal(Now.AddSeconds(10), beat.Heartbeat);
            // Another worker took the folder over (judging this one dead): this claim stops writing to it.
            var thief = beat with { Host = "elsewhere", Token = "thief" };
            File.WriteAllText(folder.LockFile, thief.ToJson());
            clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(thief, LockOwner.Parse(File.ReadAllText(folder.LockFile), Me));
            claim!.Dispose();
            Assert.True(File.Exists(folder.LockFile)); // the thief's lock stays
        }
        finally
        {
            Directory.Delete(folder.Path, recursive: true);
        }
    }

    /// <summary>A clock whose timers fire when the test advances it.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;
        private readonly List<(TimerCallback Callback, TimeSpan Period)> timers = [];

        public override DateTimeOffset GetUtcNow() => now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            timers.Add((_ => callback(state), period));
            return new NoTimer();
        }

        public void Advance(TimeSpan by)
        {
            now += by;
            foreach (var (callback, _) in timers) callback(null);
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
