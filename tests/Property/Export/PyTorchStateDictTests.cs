using System.Diagnostics;
using System.Runtime.InteropServices;
using Norms.Data;
using Norms.Export;
using Norms.Models;
using Norms.Export.Safetensors;
using Norms.Property.Tests.Data;
using Norms.Property.Tests.Reliability;
using Norms.Torch;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Export;

/// <summary>
/// PyTorch takes `export --format safetensors` as its own state_dict: tiny real runs are exported, tests/Python/state_dict_check.py
/// builds the reference network (../shared/bench/pytorch_reference.py), loads the file with load_state_dict(strict=True) and
/// evaluates the same normalized test images; predictions and log-probabilities must agree with Norms' own. A file with one
/// tensor renamed must be refused by PyTorch (the check can fail). Without Debian's python3-torch the test passes after saying
/// so, except under CI=true, where it fails: CI must install it (.ci/run does).
/// </summary>
[Collection(Training.TrainingCollection.Name)]
public sealed class PyTorchStateDictTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// Largest difference allowed between a log-probability of Norms and of PyTorch. Both compute in float32 (ε = 1.2e-7)
    /// but with other kernels (libtorch 1.13.1's oneDNN/channels-last paths here, Debian's build there), so sums run in
    /// other orders: each of ~10 layers adds a relative rounding of a few ε on values of size ~10 (log-probabilities of a
    /// barely trained model reach -20), i.e. ~1e-5 at most. Measured on this project's 2-core machine: 0 for mnist-bn and
    /// mnist-gn, 2.4e-7 for cifar10-bn, 4.8e-7 for cifar10-ln. 1e-4 leaves room for other CPUs' kernels and is still 1000×
    /// below a real fault (flipped conv kernels, planted once, moved them by 0.17 to 1.8).
    /// </summary>
    private const float Tolerance = 1e-4f;

    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Debian's python3 with torch and numpy; null when none. (Another python3 may be first on PATH.)</summary>
    internal static string? PythonWithTorch()
    {
        foreach (var python in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(python, ["-c", "import torch, numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true });
                if (p is null) continue;
                p.WaitForExit(60_000);
                if (p.HasExited && p.ExitCode == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        return null;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Norms.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Norms.sln not found above the test binaries");
    }

    [Theory]
    [InlineData("mnist-bn", "mnist", "bn")]
    [InlineData("mnist-gn", "mnist", "gn")]
    [InlineData("cifar10-bn", "cifar10", "bn")]
    [InlineData("cifar10-ln", "cifar10", "ln")]
    public void PyTorch_loads_the_export_strictly_and_agrees_on_the_test_images(string experiment, string dataset, string norm)
    {
        var python = PythonWithTorch();
        if (python is null)
        {
            global::Norms.Tests.Prerequisite.Missing(output, "no python3 with torch (apt-get install -y python3-torch)", "CI must install it");
            return;
        }
        var reference = Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "bench"));
        if (!File.Exists(Path.Combine(reference, "pytorch_reference.py")))
        {
            global::Norms.Tests.Prerequisite.Missing(output, $"no {reference}/pytorch_reference.py", "CI clones with ../shared beside the repo");
            return;
        }
        if (TinyRuns.DataRootOrSkip(dataset, output) is not { } root) return;
        var folder = TinyRuns.Folder(experiment, root);
        var exported = Path.Combine(temp.Path, "model.safetensors");
        var r = InProcessCli.Run("export", folder, "--format", "safetensors", "--out", exported);
        Assert.True(r.Exit == 0, r.Err);

        var (pixels, shape) = NormalizedTestImages(DatasetSource.TryParse(dataset)!, root);
        var images = Path.Combine(temp.Path, "images.safetensors");
        File.WriteAllBytes(images, SafetensorsWriter.ToBytes(new SafetensorsFile(
            [new SafetensorsTensor("images", SafetensorsDtype.F32, shape, MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray())], new Dictionary<string, string>())));
        var ours = NormsLogProbabilities(folder, pixels, shape);

        var (exit, log) = RunCheck(python, exported, images, dataset, norm, reference, out var theirs);
        Assert.True(exit == 0, $"PyTorch refused the export of {experiment}: {log}");
        Assert.Equal(ours.Length, theirs.Length);
        var classes = ours.Length / (int)shape[0];
        var maxDiff = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{experiment}: max |log p(Norms) - log p(PyTorch)| = {maxDiff:E2} over {ours.Length} values");
        Assert.True(maxDiff <= Tolerance, $"{experiment}: log-probabilities differ by up to {maxDiff:E2} (allowed {Tolerance:E0})");
        for (var i = 0; i < shape[0]; i++)
        {
            var a = ours.AsSpan(i * classes, classes);
            var b = theirs.AsSpan(i * classes, classes);
            var (top, second) = TopTwo(a);
            // A near tie within the tolerance may fall either way; every other image must get the same class.
            if (a[top] - a[second] > 2 * Tolerance) Assert.True(top == TopTwo(b).Top, $"{experiment}: image {i} is class {top} in Norms, {TopTwo(b).Top} in PyTorch");
        }

        if (experiment != "mnist-bn") return;
        // The control: the same file with one tensor renamed must be refused by strict loading.
        var file = SafetensorsReader.ReadFile(exported);
        var renamed = Path.Combine(temp.Path, "renamed.safetensors");
        File.WriteAllBytes(renamed, SafetensorsWriter.ToBytes(file with
        {
            Tensors = [.. file.Tensors.Select(t => t.Name == "features.0.0.weight" ? t with { Name = "features.0.0.kernel" } : t)],
        }));
        var (refused, message) = RunCheck(python, renamed, images, dataset, norm, reference, out _);
        Assert.True(refused != 0, "PyTorch loaded a state_dict with a renamed tensor");
        Assert.Contains("features.0.0.weight", message, StringComparison.Ordinal);
    }

    private static (int Top, int Second) TopTwo(ReadOnlySpan<float> row)
    {
        int top = 0, second = -1;
        for (var c = 1; c < row.Length; c++)
            if (row[c] > row[top]) (top, second) = (c, top);
            else if (second < 0 || row[c] > row[second]) second = c;
        return (top, second);
    }

    /// <summary>The first <see cref="TinyRuns.TestImages"/> test images, normalized as the test pass normalizes them.</summary>
    private static (float[] Pixels, long[] Shape) NormalizedTestImages(DatasetSource source, string root)
    {
        var data = DatasetLoader.Load(source, root, downloader: null);
        var test = data.Test.Slice(0, TinyRuns.TestImages);
        var n = test.Count;
        var pixels = new float[n * test.PixelsPerImage];
        var indices = Enumerable.Range(0, n).ToArray();
        BatchBuilder.Fill(test, indices, pixels, new long[n], data.Stats, new Augmentation.None(), augment: false, seed: 0, epoch: 0, batch: 0);
        return (pixels, [n, test.Channels, test.Height, test.Width]);
    }

    private static float[] NormsLogProbabilities(string folder, float[] pixels, long[] shape)
    {
        using var trained = ModelLoader.FromRunFolder(folder, EngineOptions.Cpu);
        trained.Model.Eval();
        using var noGrad = LibTorch.NoGrad();
        using var x = Tensor.FromSpan<float>(pixels, shape);
        using var y = trained.Model.Forward(x);
        return y.ToArray<float>();
    }

    private (int Exit, string Log) RunCheck(string python, string model, string images, string dataset, string norm, string reference, out float[] logProbs)
    {
        var outFile = Path.Combine(temp.Path, "logp.f32");
        File.Delete(outFile);
        var script = Path.Combine(RepoRoot(), "tests", "Python", "state_dict_check.py");
        var start = new ProcessStartInfo(python, [script, model, images, outFile, "--dataset", dataset, "--norm", norm, "--reference", reference])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("state_dict_check.py ran for more than 3 minutes");
        }
        var log = stdout.Result + stderr.Result;
        output.WriteLine(log.Trim());
        logProbs = File.Exists(outFile) ? MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outFile)).ToArray() : [];
        return (process.ExitCode, log);
    }
}
