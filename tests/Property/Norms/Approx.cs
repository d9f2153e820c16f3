using Xunit.Sdk;

namespace Norms.Property.Tests.Norms;

/// <summary>Element-wise closeness |a − b| ≤ atol + rtol·|b| with a message naming the first miss.</summary>
public static class Approx
{
    public static void AllClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double atol, double rtol, string what)
    {
        if (expected.Count != actual.Count)
            throw new XunitException($"{what}: expected {expected.Count} values, got {actual.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if (!(Math.Abs(e - a) <= atol + rtol * Math.Abs(e)))
                throw new XunitException($"{what}[{i}]: expected {e:R}, got {a:R} (|diff| {Math.Abs(e - a):E3} > {atol:E1} + {rtol:E1}·|expected|)");
        }
    }

    /// <summary>The same on float32 values (compared in float64, where their difference is exact).</summary>
    public static void AllClose(float[] expected, float[] actual, double atol, double rtol, string what) =>
        AllClose(expected.Select(v => (double)v).ToArray(), actual.Select(v => (double)v).ToArray(), atol, rtol, what);

    public static double MaxAbs(IEnumerable<double> values) => values.Select(Math.Abs).DefaultIfEmpty(0).Max();
}
