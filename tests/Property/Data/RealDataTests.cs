using Norms.Models;
using Norms.Data;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Property.Tests.Data;

/// <summary>
/// Reads the real datasets under NORMS_DATA (e.g. ../shared/data). When the folder or a dataset is absent
/// the test passes after writing why it checked nothing (xunit 2 has no dynamic skip).
/// </summary>
public sealed class RealDataTests(ITestOutputHelper output)
{
    private string? Root()
    {
        var root = Environment.GetEnvironmentVariable(DataRoot.EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(root) || !Directory.Exists(root))
        {
            output.WriteLine($"SKIPPED: set {DataRoot.EnvironmentVariable} to the shared data folder (e.g. ../shared/data) to read the real datasets.");
            return null;
        }
        return root;
    }

    [Fact]
    public void Mnist_has_the_published_counts_and_pixel_mean()
    {
        if (Root() is not { } root) return;
        if (IdxFolder.Missing(DataRoot.MnistFolder(root)).Count > 0)
        {
            output.WriteLine($"SKIPPED: {DataRoot.MnistFolder(root)} does not hold the four MNIST files.");
            return;
        }
        var data = DatasetLoader.Load(new DatasetSource.Mnist(), root, downloader: null);
        Assert.Equal((60_000, 10_000), (data.Train.Count, data.Test.Count));
        Assert.Equal((1, 28, 28), (data.Train.Channels, data.Train.Height, data.Train.Width));
        var stats = ChannelStats.Compute(data.Train);
        // Published 0.1307 / 0.3081 are rounded to 4 decimals.
        Assert.Equal(0.1307, stats.Mean[0], 0.0001);
        Assert.Equal(0.3081, stats.Std[0], 0.0001);
        var counts = new int[10];
        foreach (var l in data.Train.Labels) counts[l]++;
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], counts);
    }

    [Fact]
    public void Known_mnist_checksums_match_the_real_files_and_the_shared_cifar_archive_is_recognised_as_unofficial()
    {
        if (Root() is not { } root) return;
        foreach (var file in KnownFiles.Mnist)
        {
            var path = Path.Combine(DataRoot.MnistFolder(root), file.FileName);
            if (!File.Exists(path)) { output.WriteLine($"SKIPPED: {path} is absent."); continue; }
            Assert.Null(file.Check.Verify(path));
        }
        // The shared archive was rebuilt from JPEGs, so the official archive's size/MD5 must not match it.
        var archive = DataRoot.CifarArchive(root);
        if (File.Exists(archive)) Assert.NotNull(KnownFiles.Cifar10Archive.Check.Verify(archive));
    }

    [Fact]
    public void Cifar10_has_the_published_counts_and_classes()
    {
        if (Root() is not { } root) return;
        if (!File.Exists(DataRoot.CifarArchive(root)) && !Directory.Exists(Path.Combine(DataRoot.CifarFolder(root), Cifar10Reader.FolderName)))
        {
            output.WriteLine($"SKIPPED: {DataRoot.CifarArchive(root)} is absent.");
            return;
        }
        var data = DatasetLoader.Load(new DatasetSource.Cifar10(), root, downloader: null);
        Assert.Equal((50_000, 10_000), (data.Train.Count, data.Test.Count));
        Assert.Equal(Cifar10Reader.DefaultClassNames, data.Train.ClassNames);
        var counts = new int[10];
        foreach (var l in data.Train.Labels) counts[l]++;
        Assert.All(counts, c => Assert.Equal(5000, c));
        var stats = ChannelStats.Compute(data.Train);
        // The shared copy was rebuilt from JPEGs: its means differ from the published ones by about 1e-4.
        for (var c = 0; c < 3; c++) Assert.Equal(ChannelStats.Cifar10.Mean[c], stats.Mean[c], 0.002);
    }
}
