using Norms.Models;

namespace Norms.Data;

/// <summary>The edge that touches disk and network: finds, downloads if needed, and reads a dataset.</summary>
public static class DatasetLoader
{
    /// <param name="dataRoot">The resolved root (see <see cref="DataRoot.Resolve"/>).</param>
    /// <param name="downloader">Null forbids downloading: missing files become a <see cref="DataUnavailableException"/>.</param>
    public static Dataset Load(DatasetSource source, string dataRoot, Downloader? downloader, Action<DownloadProgress>? progress = null)
    {
        switch (source)
        {
            case DatasetSource.Mnist:
            {
                var folder = DataRoot.MnistFolder(dataRoot);
                if (IdxFolder.Missing(folder).Count > 0)
                {
                    var missing = KnownFiles.Mnist.Where(f => IdxFolder.Find(folder, f.FileName[..^3]) is null).ToArray();
                    Fetch(missing, folder, downloader, progress);
                }
                var (train, test) = IdxFolder.Read(folder);
                return new Dataset(source.ToString(), train, test, PublishedStats(source)!);
            }
            case DatasetSource.Cifar10:
            {
                var folder = DataRoot.CifarFolder(dataRoot);
                var extracted = Path.Combine(folder, Cifar10Reader.FolderName);
                if (!Directory.Exists(extracted) && !File.Exists(DataRoot.CifarArchive(dataRoot)))
                    Fetch([KnownFiles.Cifar10Archive], folder, downloader, progress);
                var (train, test) = Directory.Exists(extracted) ? Cifar10Reader.ReadFolder(extracted) : Cifar10Reader.ReadArchive(DataRoot.CifarArchive(dataRoot));
                return new Dataset(source.ToString(), train, test, PublishedStats(source)!);
            }
            case DatasetSource.Idx idx:
            {
                var (train, test) = IdxFolder.Read(idx.Folder, idx.ClassCount);
                return new Dataset(source.ToString(), train, test, ChannelStats.Compute(train));
            }
            default:
                throw new ArgumentException($"unknown dataset source {source}");
        }
    }

    /// <summary>The augmentation a dataset is trained with.</summary>
    /// <summary>The normalization a dataset is known by (MNIST's and CIFAR-10's published values), or null for an idx folder,
    /// which is normalized by its own training set's statistics (<see cref="ChannelStats.Compute"/>, after loading).</summary>
    public static ChannelStats? PublishedStats(DatasetSource source) => source switch
    {
        DatasetSource.Mnist => ChannelStats.Mnist,
        DatasetSource.Cifar10 => ChannelStats.Cifar10,
        _ => null,
    };

    public static Augmentation DefaultAugmentation(DatasetSource source) => source switch
    {
        DatasetSource.Mnist => Augmentation.Mnist,
        DatasetSource.Cifar10 => Augmentation.Cifar10,
        _ => new Augmentation.None(),
    };

    private static void Fetch(IReadOnlyList<RemoteFile> files, string folder, Downloader? downloader, Action<DownloadProgress>? progress)
    {
        if (downloader is null)
        {
            var where = string.Join("; ", files.Select(f => $"{f.Sources[0]} -> {Path.Combine(Path.GetFullPath(folder), f.FileName)}"));
            throw new DataUnavailableException($"dataset files are missing and downloading is off; copy them to the paths shown: {where}");
        }
        downloader.EnsureAllAsync(files, folder, progress).GetAwaiter().GetResult();
    }
}
