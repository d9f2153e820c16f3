using System.Diagnostics;
using Norms.Experiments.Cli;
using Norms.Training;

namespace Norms.Property.Tests.Studies;

/// <summary>study.lock: a worker rewriting study.json waits while another worker (here another machine's fresh lock)
/// rewrites it, goes on once that one is done, and leaves no lock behind.</summary>
public sealed class StudyFileLockTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("norms-study-lock-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_writer_waits_for_another_workers_write_and_then_writes()
    {
        var file = Path.Combine(folder, StudyFileLock.FileName);
        File.WriteAllText(file, new LockOwner("elsewhere", "boot-x", "pid:[9]", 1, "other", DateTimeOffset.UtcNow).ToJson());
        var clock = Stopwatch.StartNew();
        TimeSpan? wrote = null;
        var writer = new Thread(() => wrote = StudyFileLock.Holding(folder, () => clock.Elapsed, TextWriter.Null));
        writer.Start();
        Thread.Sleep(300);
        Assert.Null(wrote); // the other worker's write is in progress
        var released = clock.Elapsed;
        File.Delete(file);
        Assert.True(writer.Join(TimeSpan.FromSeconds(10)));
        Assert.True(wrote >= released, $"wrote at {wrote} before the other released at {released}");
        Assert.False(File.Exists(file));
    }
}
