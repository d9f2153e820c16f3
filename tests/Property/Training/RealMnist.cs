using Norms.Models;
using Norms.Data;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Training;

/// <summary>The real MNIST of NORMS_DATA, 512 train / 256 test images, loaded once for the short training runs. Without
/// NORMS_DATA a test passes after saying why it checked nothing, except under CI=true, where it fails.</summary>
internal static class RealMnist
{
    private static readonly Lazy<Dataset?> Slice = new(() =>
    {
        var root = Environment.GetEnvironmentVariable(DataRoot.EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(root) || IdxFolder.Missing(DataRoot.MnistFolder(root)).Count > 0) return null;
        var full = DatasetLoader.Load(new DatasetSource.Mnist(), root, downloader: null);
        return full with { Train = full.Train.Slice(0, 512), Test = full.Test.Slice(0, 256) };
    });

    public static Dataset? OrSkip(ITestOutputHelper output)
    {
        if (Slice.Value is { } data) return data;
        var why = $"{DataRoot.EnvironmentVariable} does not point at a folder with mnist/ (e.g. ../shared/data)";
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail($"{why}; CI must provide the real data");
        output.WriteLine($"SKIPPED: {why}.");
        return null;
    }
}
