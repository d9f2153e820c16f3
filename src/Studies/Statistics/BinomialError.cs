namespace Norms.Studies;

/// <summary>
/// The sampling error of one test-set accuracy: a model with true accuracy p scores a binomial fraction of N test
/// images, whose standard error is √(p(1 − p)/N). It says how much of a difference between seeds the test set alone
/// could explain (± 0.1 pp at 99 % on 10,000 images), beside the seed-to-seed sd of a cell.
/// </summary>
public static class BinomialError
{
    /// <summary>√(p(100 − p)/N) in percentage points, for <paramref name="accuracyPercent"/> p in [0, 100] and
    /// <paramref name="testImages"/> N ≥ 1 (the same as 100·√(q(1 − q)/N) with q = p/100).</summary>
    public static double StandardErrorPp(double accuracyPercent, int testImages)
    {
        if (!(accuracyPercent is >= 0 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(accuracyPercent), accuracyPercent, "an accuracy in percent, 0 to 100");
        if (testImages < 1) throw new ArgumentOutOfRangeException(nameof(testImages), testImages, "at least one test image");
        return Math.Sqrt(accuracyPercent * (100 - accuracyPercent) / testImages);
    }
}
