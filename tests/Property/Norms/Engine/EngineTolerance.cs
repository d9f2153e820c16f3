using Norms.Property.Tests.Generators;
using Norms.Torch;

namespace Norms.Property.Tests.Norms.Engine;

/// <summary>
/// How far libtorch may be from the oracle, derived from how the data is stored rather than guessed.
/// The oracle runs on the same rounded input, so the only error is libtorch's arithmetic: its sums
/// round each partial result to the dtype's unit roundoff u (float32 6e-8, float64 1.1e-16) of the
/// data's magnitude |offset| + scale. Centred values therefore carry an absolute error of about
/// δ = 16·u·(|offset| + scale) (16: headroom for the ≤ 64-term sums' accumulated rounding), and a
/// normalized value δ / std(group) — large when the data sit at 1e3 with a spread of 1e-2, which is
/// exactly why the generators produce such data.
/// </summary>
public static class EngineTolerance
{
    public static double UnitRoundoff(ScalarType dtype) => dtype == ScalarType.Float32 ? 6e-8 : 1.1e-16;

    /// <summary>δ: absolute error of centred input values.</summary>
    public static double Centred(NormCase c, ScalarType dtype) => 16 * UnitRoundoff(dtype) * (Math.Abs(c.Offset) + c.Scale);

    /// <summary>For a normalized output (times |γ| ≤ 2, plus β): δ/std plus the rounding of an O(1) result.</summary>
    public static double Output(NormCase c, ScalarType dtype, double groupStd) =>
        3 * Centred(c, dtype) / groupStd + 64 * UnitRoundoff(dtype);
}
