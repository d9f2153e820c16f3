using System.Diagnostics;
using Norms.Training;

namespace Norms.Property.Tests.Training;

public sealed class RunFolderLockTests
{
    private static RunFolder NewFolder() => new(Directory.CreateTempSubdirectory("norms-lock-").FullName);

    private static int PidOfExitedProcess()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void ALiveOwnerMakesASecondClaimFail()
    {
        var folder = NewFolder();
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            File.WriteAllText(folder.LockFile, $"{sleeper.Id}\n");
            Assert.Null(folder.TryLock(out var other));
            Assert.Equal(sleeper.Id, other!.Pid);
            Assert.Equal($"{sleeper.Id}\n", File.ReadAllText(folder.LockFile)); // untouched
        }
        finally
        {
            sleeper.Kill();
            Directory.Delete(folder.Path, recursive: true);
        }
    }

    [Fact]
    public void AStaleLockIsTakenOverAndReleasedOnDispose()
    {
        var folder = NewFolder();
        try
        {
            File.WriteAllText(folder.LockFile, $"{PidOfExitedProcess()}\n");
            using (var claim = folder.TryLock(out _))
            {
                Assert.NotNull(claim);
                var owner = LockOwner.Parse(File.ReadAllText(folder.LockFile), RunLock.ThisProcess(DateTimeOffset.UtcNow))!;
                Assert.Equal(Environment.ProcessId, owner.Pid);
                Assert.Equal(Environment.MachineName, owner.Host);
            }
            Assert.False(File.Exists(folder.LockFile));
        }
        finally
        {
            Directory.Delete(folder.Path, recursive: true);
        }
    }

    /// <summary>A run killed with SIGKILL whose parent has not yet reaped it is a zombie: its PID exists but it is dead.</summary>
    [Fact]
    public void AZombieOwnerIsTreatedAsStale()
    {
        if (!Directory.Exists("/proc")) return;
        var folder = NewFolder();
        // sh starts a short child, prints its PID, then becomes `sleep`, which never reaps it: a zombie for 5 s. The
        // child lives 0.2 s, so it outlives the exec: a child that ended at once was sometimes reaped by sh itself
        // first, and its /proc entry was gone.
        using var parent = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 0.2 & echo $!; exec sleep 5"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        try
        {
            var zombie = int.Parse(parent.StandardOutput.ReadLine()!);
            var deadline = DateTime.UtcNow.AddSeconds(3);
            while (!File.ReadAllText($"/proc/{zombie}/stat").Contains(") Z") && DateTime.UtcNow < deadline) Thread.Sleep(10);
            File.WriteAllText(folder.LockFile, $"{zombie}\n");
            using var claim = folder.TryLock(out var other);
            Assert.True(claim is not null, $"the zombie {zombie} was taken for a live owner");
        }
        finally
        {
            parent.Kill();
            Directory.Delete(folder.Path, recursive: true);
        }
    }

    [Fact]
    public void AGarbledLockIsTreatedAsStale()
    {
        var folder = NewFolder();
        try
        {
            File.WriteAllText(folder.LockFile, "not a pid");
            // Young, it may be a claimant's lock whose line is not written yet: live. Old, a write cut short: stale.
            Assert.Null(folder.TryLock(out _));
            File.SetLastWriteTimeUtc(folder.LockFile, DateTime.UtcNow - RunLock.WriteGrace - TimeSpan.FromSeconds(1));
            using var claim = folder.TryLock(out _);
            Assert.NotNull(claim);
        }
        finally
        {
            Directory.Delete(folder.Path, recursive: true);
        }
    }
}
