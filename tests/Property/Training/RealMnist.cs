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
        if (global::Norms.Tests.Prerequisite.DataRootOrNull(global::Norms.Tests.Prerequisite.HasMnist) is not { } root) return null;
        var full = DatasetLoader.Load(new DatasetSource.Mnist(), root, downloader: null);
        return full with { Train = full.Train.Slice(0, 512), Test = full.Test.Slice(0, 256) };
    });

    public static Dataset? OrSkip(ITestOutputHelper output)
    {
        if (Slice.Value is { } data) return data;
        global::Norms.Tests.Prerequisite.MissingData(output, "a folder with mnist/");
        return null;
    }
}
