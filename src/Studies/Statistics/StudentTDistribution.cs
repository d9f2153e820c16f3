using MathNet.Numerics.Distributions;

namespace Norms.Studies;

/// <summary>The two facts about Student's t the statistics need: a two-sided quantile and a two-sided p-value.</summary>
internal static class StudentTDistribution
{
    /// <summary>The 1 − (1 − <paramref name="confidence"/>)/2 quantile of the standard t with <paramref name="df"/>
    /// degrees of freedom: the half-width of a two-sided interval, in standard errors.</summary>
    public static double TwoSidedQuantile(double confidence, int df) =>
        StudentT.InvCDF(0, 1, df, 1 - (1 - confidence) / 2);

    /// <summary>P(|T| ≥ |t|). Taken as twice the lower tail at −|t| (not 2·(1 − CDF(|t|))), so that a large |t| keeps
    /// its small p instead of rounding to 0 by cancellation. |t| = ∞ gives 0.</summary>
    public static double TwoSidedP(double t, int df) =>
        double.IsInfinity(t) ? 0 : Math.Min(1, 2 * StudentT.CDF(0, 1, df, -Math.Abs(t)));
}
