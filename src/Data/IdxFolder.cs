namespace Norms.Data;

/// <summary>
/// Any folder holding the four MNIST-layout idx files (each raw or .gz) is a dataset.
/// </summary>
public static class IdxFolder
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    public static IReadOnlyList<string> FileNames { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The file to read for a base name: the raw file when present, else its .gz; null when neither exists.</summary>
    public static string? Find(string folder, string baseName)
    {
        var raw = Path.Combine(folder, baseName);
        if (File.Exists(raw)) return raw;
        var gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>The base names with neither a raw nor a .gz file in the folder.</summary>
    public static IReadOnlyList<string> Missing(string folder) => FileNames.Where(n => Find(folder, n) is null).ToArray();

    public static IReadOnlyList<string> DigitClassNames(int classCount) =>
        Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Reads train and test splits; class names are "0".."k-1".</summary>
    public static (ImageSet Train, ImageSet Test) Read(string folder, int classCount = 10)
    {
        if (!Directory.Exists(folder))
            throw new DataUnavailableException($"{folder}: folder not found; pass an existing folder holding {string.Join(", ", FileNames)} (raw or .gz).");
        var missing = Missing(folder);
        if (missing.Count > 0)
            throw new DataUnavailableException(
                $"{folder}: missing {string.Join(", ", missing.Select(m => m + "[.gz]"))}; put the idx files there (raw or gzipped).");
        var names = DigitClassNames(classCount);
        var train = IdxReader.ReadPair(Find(folder, TrainImages)!, Find(folder, TrainLabels)!, names);
        var test = IdxReader.ReadPair(Find(folder, TestImages)!, Find(folder, TestLabels)!, names);
        if (train.Height != test.Height || train.Width != test.Width)
            throw new DataFormatException(
                $"{folder}: train images are {train.Height}x{train.Width} but test images are {test.Height}x{test.Width}; both splits must have one image size.");
        return (train, test);
    }
}
