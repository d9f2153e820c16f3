using System.Text.Json.Serialization;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Norms.Studies;

/// <summary>How a McNemar p-value was computed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<McNemarMethod>))]
public enum McNemarMethod
{
    /// <summary>Exact two-sided binomial test of b against Binomial(b + c, ½).</summary>
    [JsonStringEnumMemberName("exact")] Exact,
    /// <summary>χ² with one degree of freedom, with Edwards' continuity correction.</summary>
    [JsonStringEnumMemberName("chi2_cc")] ChiSquareCorrected,
}

/// <summary><see cref="B"/>: images model a got right and b wrong; <see cref="C"/>: a wrong and b right; the two-sided
/// p-value of "a and b are equally accurate on this test set" and how it was computed.</summary>
public sealed record McNemarResult(
    [property: JsonPropertyName("b")] int B,
    [property: JsonPropertyName("c")] int C,
    [property: JsonPropertyName("p")] double P,
    [property: JsonPropertyName("method")] McNemarMethod Method);

/// <summary>
/// McNemar's test on two models' predictions for the same test images: a second view beside the seed-paired t-test, on
/// test-set noise rather than seed noise. Only the discordant images (one model right, the other wrong) carry
/// information; under the null each is equally likely to go either way.
/// </summary>
public static class McNemar
{
    /// <summary>Below this many discordant images the exact binomial p is used; from it on, the continuity-corrected χ²,
    /// which is accurate there and does not sum thousands of binomial terms.</summary>
    public const int ExactBelow = 25;

    /// <summary>The test of <paramref name="predictedA"/> against <paramref name="predictedB"/> (predicted labels) on
    /// <paramref name="labels"/> (true labels); the three must have the same length.</summary>
    public static McNemarResult Test(IReadOnlyList<int> predictedA, IReadOnlyList<int> predictedB, IReadOnlyList<int> labels)
    {
        if (predictedA.Count != labels.Count || predictedB.Count != labels.Count)
            throw new ArgumentException($"{predictedA.Count} and {predictedB.Count} predictions for {labels.Count} labels");
        int b = 0, c = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            bool aRight = predictedA[i] == labels[i], bRight = predictedB[i] == labels[i];
            if (aRight && !bRight) b++;
            else if (!aRight && bRight) c++;
        }
        return FromCounts(b, c);
    }

    /// <summary>
    /// The p-value from the discordant counts. Exact (b + c &lt; <see cref="ExactBelow"/>): 2·P(X ≤ min(b, c)) for
    /// X ~ Binomial(b + c, ½), capped at 1; b = c = 0 gives 1. Otherwise χ² = (|b − c| − 1)²/(b + c) against χ²(1), the
    /// correction floored at 0 so that b = c gives χ² = 0 and p = 1 rather than a correction overshooting past zero.
    /// </summary>
    /// <summary>The test on predictions and labels as bytes (predictions.bin and a test set's labels).</summary>
    public static McNemarResult Test(byte[] predictedA, byte[] predictedB, byte[] labels) =>
        Test(Array.ConvertAll(predictedA, x => (int)x), Array.ConvertAll(predictedB, x => (int)x), Array.ConvertAll(labels, x => (int)x));

    public static McNemarResult FromCounts(int b, int c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        var n = b + c;
        if (n < ExactBelow)
        {
            var p = n == 0 ? 1 : Math.Min(1, 2 * Binomial.CDF(0.5, n, Math.Min(b, c)));
            return new(b, c, p, McNemarMethod.Exact);
        }
        var excess = Math.Max(0, Math.Abs(b - c) - 1);
        var chi2 = (double)excess * excess / n;
        // χ²(1)'s upper tail taken directly: ChiSquared.CDF(1, x) is GammaLowerRegularized(½, x/2), so its complement is
        // GammaUpperRegularized(½, x/2), which keeps a strong difference's small p where 1 − CDF would round it to 0.
        return new(b, c, SpecialFunctions.GammaUpperRegularized(0.5, chi2 / 2), McNemarMethod.ChiSquareCorrected);
    }
}
