namespace Norms.Data;

/// <summary>
/// The official files and what we verify about them.
/// MNIST: the original idx .gz files from the mirrors torchvision uses; we verify the SHA-256 of the
/// decompressed idx content (these are the published raw files; gzip bytes differ between mirrors).
/// CIFAR-10: the authors' archive, verified by its published MD5 and its size (170,052,171 bytes).
/// </summary>
public static class KnownFiles
{
    private static readonly Uri[] MnistMirrors =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("http://yann.lecun.com/exdb/mnist/"),
    ];

    public static IReadOnlyList<RemoteFile> Mnist { get; } =
    [
        MnistFile(IdxFolder.TrainImages, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
        MnistFile(IdxFolder.TrainLabels, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
        MnistFile(IdxFolder.TestImages, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
        MnistFile(IdxFolder.TestLabels, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
    ];

    public static RemoteFile Cifar10Archive { get; } = new(
        Cifar10Reader.ArchiveName,
        [new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")],
        new FileCheck.Md5("c32a1d4ab5d03f1284b67883e8d87530", 170_052_171));

    private static RemoteFile MnistFile(string baseName, string rawSha256, long rawLength) =>
        new(baseName + ".gz", MnistMirrors.Select(m => new Uri(m, baseName + ".gz")).ToArray(), new FileCheck.GunzippedSha256(rawSha256, rawLength));
}
