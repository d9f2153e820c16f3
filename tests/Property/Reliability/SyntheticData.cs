using Norms.Data;
using Norms.Property.Tests.Data;

namespace Norms.Property.Tests.Reliability;

/// <summary>Small MNIST-shaped data (28x28, one channel, 10 classes) made up on the spot, so these tests need no download.
/// Each label's images share a bright block, so a model can learn something.</summary>
internal static class SyntheticData
{
    public static (byte[] Pixels, byte[] Labels) Images(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 28 * 28];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)random.Next(10);
            var image = pixels.AsSpan(i * 784, 784);
            for (var p = 0; p < 784; p++) image[p] = (byte)random.Next(64);
            for (var r = 0; r < 6; r++)
                for (var c = 0; c < 6; c++)
                    image[(2 + labels[i] * 2 + r) * 28 + 4 + c + labels[i]] = 250;
        }
        return (pixels, labels);
    }

    public static Dataset Mnist(int train, int test)
    {
        var (tp, tl) = Images(train, 1);
        var (sp, sl) = Images(test, 2);
        var names = IdxFolder.DigitClassNames(10);
        return new Dataset("mnist", new ImageSet(tp, tl, train, 1, 28, 28, names), new ImageSet(sp, sl, test, 1, 28, 28, names), ChannelStats.Mnist);
    }

    /// <summary>Writes the four idx files (gzipped) of such a set into <paramref name="folder"/>; use it as --dataset idx:FOLDER.</summary>
    public static string WriteIdxFolder(string folder, int train, int test)
    {
        Directory.CreateDirectory(folder);
        var (tp, tl) = Images(train, 1);
        var (sp, sl) = Images(test, 2);
        File.WriteAllBytes(Path.Combine(folder, IdxFolder.TrainImages + ".gz"), DataFixtures.Gzip(DataFixtures.IdxImages(tp, train, 28, 28)));
        File.WriteAllBytes(Path.Combine(folder, IdxFolder.TrainLabels + ".gz"), DataFixtures.Gzip(DataFixtures.IdxLabels(tl)));
        File.WriteAllBytes(Path.Combine(folder, IdxFolder.TestImages + ".gz"), DataFixtures.Gzip(DataFixtures.IdxImages(sp, test, 28, 28)));
        File.WriteAllBytes(Path.Combine(folder, IdxFolder.TestLabels + ".gz"), DataFixtures.Gzip(DataFixtures.IdxLabels(sl)));
        return folder;
    }
}
