namespace Norms.Data;

/// <summary>
/// The training images a run holds back for validation: the first <c>n</c> of a Fisher-Yates permutation of the training
/// set keyed by the run's seed in a stream of its own (<see cref="CounterRng"/> stream 2, epoch 0: no epoch's order or
/// augmentation shares it), so the slice is a pure function of (seed, training-set size, n). The rest, in their original
/// order, are the training set the epochs permute. Both index lists are sorted ascending.
/// </summary>
public static class ValidationSlice
{
    /// <summary>The <see cref="CounterRng"/> stream of the validation slice (0 is augmentation's, 1 the epochs' order).</summary>
    public const ulong Stream = 2;

    /// <summary>The held-back indices (<paramref name="n"/> of them) and the remaining training indices, each ascending;
    /// disjoint, and together 0..<paramref name="count"/>-1.</summary>
    public static (int[] Validation, int[] Training) Split(int count, ulong seed, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, count);
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        var rng = new CounterRng(seed, epoch: 0, batch: ulong.MaxValue, Stream);
        // The first n places of a Fisher-Yates shuffle run from the front: each is uniform over what is left.
        for (var i = 0; i < n; i++)
        {
            var j = i + rng.NextInt(count - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var held = new bool[count];
        for (var i = 0; i < n; i++) held[order[i]] = true;
        var validation = new int[n];
        var training = new int[count - n];
        int v = 0, t = 0;
        for (var i = 0; i < count; i++)
            if (held[i]) validation[v++] = i;
            else training[t++] = i;
        return (validation, training);
    }

    /// <summary>The training set with <paramref name="n"/> images held back: (training, validation) image sets; the set itself
    /// and null when <paramref name="n"/> is 0.</summary>
    public static (ImageSet Training, ImageSet? Validation) Apply(ImageSet train, ulong seed, int n)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (n == 0) return (train, null);
        if (n >= train.Count)
            throw new ArgumentOutOfRangeException(nameof(n), $"validation {n} leaves no training images (the training set has {train.Count}); use fewer");
        var (validation, training) = Split(train.Count, seed, n);
        return (train.Select(training), train.Select(validation));
    }
}
