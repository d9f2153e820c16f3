using Norms.Data;
using Norms.Property.Tests.Reliability;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Export;

/// <summary>Built-in experiments trained for one epoch on 256 training images of the real data (NORMS_DATA) through the `run`
/// verb in this process, 64 test images, each once per test process. Without the data a test passes after saying why it
/// checked nothing, except under CI=true, where it fails.</summary>
internal static class TinyRuns
{
    public const int TestImages = 64;

    private static readonly string Out = Path.Combine(Path.GetTempPath(), "norms-export-runs-" + Guid.NewGuid().ToString("N"));
    private static readonly Dictionary<string, string> Trained = [];
    private static readonly Lock Gate = new();

    // The runs serve every test of the process; their folder goes when the process does.
    static TinyRuns() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { if (Directory.Exists(Out)) Directory.Delete(Out, recursive: true); } catch (IOException) { }
    };

    public static string? DataRootOrSkip(string dataset, ITestOutputHelper output)
    {
        return global::Norms.Tests.Prerequisite.DataRoot(output, $"a folder with {dataset}",
            dataset == "mnist" ? global::Norms.Tests.Prerequisite.HasMnist : global::Norms.Tests.Prerequisite.HasCifar10);
    }

    /// <summary>The run folder of <paramref name="experiment"/>, trained on first use.</summary>
    public static string Folder(string experiment, string dataRoot)
    {
        lock (Gate)
        {
            if (Trained.TryGetValue(experiment, out var done)) return done;
            var r = InProcessCli.Run("run", experiment, "--limit-train", "256", "--limit-test", TestImages.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--epochs", "1", "--threads", "1", "--out", Out, "--no-progress", "--data-dir", dataRoot);
            Assert.True(r.Exit == 0, r.Err);
            return Trained[experiment] = Path.Combine(Out, experiment);
        }
    }
}
