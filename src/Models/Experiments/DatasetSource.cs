namespace Norms.Models;

/// <summary>What --dataset names: the built-in MNIST or CIFAR-10 (from the data root, downloaded when missing), or any idx folder.</summary>
public abstract record DatasetSource
{
    private DatasetSource() { }

    public sealed record Mnist : DatasetSource;
    public sealed record Cifar10 : DatasetSource;

    /// <summary>A folder with the four MNIST-layout idx files (raw or .gz); never downloaded.</summary>
    public sealed record Idx(string Folder, int ClassCount = 10) : DatasetSource;

    public const string Syntax = "mnist, cifar10 or idx:PATH";

    /// <summary>Parses "mnist", "cifar10" (or "cifar-10"), any case, or "idx:PATH"; null when the text is none of them (or null).
    /// The one grammar of a dataset, for specs, --dataset and result.json alike; <see cref="ToString"/> is its canonical form.</summary>
    public static DatasetSource? TryParse(string? text)
    {
        if (text is null) return null;
        var t = text.Trim();
        if (t.StartsWith("idx:", StringComparison.OrdinalIgnoreCase))
            return t.Length > 4 ? new Idx(t[4..]) : null;
        return t.ToLowerInvariant() switch
        {
            "mnist" => new Mnist(),
            "cifar10" or "cifar-10" => new Cifar10(),
            _ => null,
        };
    }

    public sealed override string ToString() => this switch
    {
        Mnist => "mnist",
        Cifar10 => "cifar10",
        Idx idx => "idx:" + idx.Folder,
        _ => GetType().Name,
    };
}
