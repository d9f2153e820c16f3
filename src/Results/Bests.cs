namespace Norms.Results;

/// <summary>
/// The best-of rules over a run's epochs, in one place: the best test accuracy is the highest (the earliest epoch on
/// ties, which is the best epoch), the best test loss the lowest finite one (a diverged epoch can carry NaN or ∞, and a
/// minimum over NaN is NaN), the best train accuracy the highest. <see cref="RunResult.WithBests"/> stores them in
/// result.json; the report recomputes the loss for results written before non-finite losses were left out.
/// </summary>
public static class Bests
{
    /// <summary>The epoch with the highest test accuracy, the earliest on ties; null when there are none.</summary>
    public static EpochRecord? TestAccuracyEpoch(IReadOnlyList<EpochRecord> epochs)
    {
        if (epochs.Count == 0) return null;
        var best = epochs[0];
        foreach (var e in epochs)
            if (e.TestAcc > best.TestAcc) best = e;
        return best;
    }

    /// <summary>The lowest finite test loss; null when no epoch has one.</summary>
    public static double? TestLoss(IEnumerable<EpochRecord> epochs) =>
        epochs.Select(e => e.TestLoss).Where(double.IsFinite).Select(l => (double?)l).Min();

    /// <summary>The highest train accuracy; null when there are no epochs.</summary>
    public static double? TrainAccuracy(IReadOnlyList<EpochRecord> epochs) => epochs.Count == 0 ? null : epochs.Max(e => e.TrainAcc);
}
