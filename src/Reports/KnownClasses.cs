using Norms.Models;

namespace Norms.Reports;

/// <summary>Class names for a dataset when its test set is not loaded (the confusion matrix still needs labels).</summary>
public static class KnownClasses
{
    public static IReadOnlyList<string> Cifar10 { get; } = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public static IReadOnlyList<string> For(string dataset, int count) =>
        DatasetSource.TryParse(dataset) is DatasetSource.Cifar10 && count == Cifar10.Count
            ? Cifar10
            : [.. Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
