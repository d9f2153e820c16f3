using FsCheck.Fluent;
using Norms.Property.Tests.Generators;
using Norms.Reference;
using Xunit;

namespace Norms.Property.Tests.Norms;

/// <summary>The oracle's analytic backward against central finite differences of its own forward,
/// for L = Σ y·dy, in double precision.</summary>
public sealed class OracleGradientProperties
{
    // Central differences: truncation error ~ h²·f''' and round-off ~ ε·|y|/h. With h = 1e-4 of the
    // pooled group's standard deviation both stay below ~1e-7 of the gradient, even for inputs at
    // offset 1e3 with scale 1e-2 (where x − mean already loses ~5 of double's 16 digits); 1e-5
    // relative leaves a margin of 100 over that and is still far below any semantic slip (≥1e-2).
    private const double Tolerance = 1e-5;

    [Property(Arbitrary = new[] { typeof(NormCases.SmallTrainable) }, MaxTest = 40)]
    public void Backward_matches_central_differences(NormCase c)
    {
        foreach (var form in OracleForm.For(c, includeBatch: true))
            FiniteDifferences.AssertMatches(form, c, Tolerance);
    }
}

/// <summary>Central finite differences of L(x, γ, β) = Σ forward(x, γ, β)·dy.</summary>
public static class FiniteDifferences
{
    public static void AssertMatches(OracleForm form, NormCase c, double tolerance)
    {
        var (gamma, beta, dy) = (form.Gamma(c), form.Beta(c), c.Dy);
        var analytic = form.Backward(c.X, gamma, dy);
        double Loss(double[] x, double[] g, double[] b) =>
            form.Forward(c.X.With(x), g, b).Data.Zip(dy.Data, (y, u) => y * u).Sum();

        var steps = StepsPerElement(form, c);
        var dx = Central(c.Data, steps, v => Loss(v, gamma, beta));
        var dgamma = Central(gamma, _ => 1e-4, v => Loss(c.Data, v, beta));
        var dbeta = Central(beta, _ => 1e-4, v => Loss(c.Data, gamma, v));

        // dL/dx is naturally of size |dy|·|γ| / std(group); a gradient far below that (e.g. a group of
        // two values, whose x̂ = ±1 whatever x is) is compared at that natural size, not its own.
        var natural = Approx.MaxAbs(dy.Data) * Math.Max(Approx.MaxAbs(gamma), 1);
        for (var i = 0; i < dx.Length; i++)
            Approx.AllClose([dx[i]], [analytic.Input.Data[i]], tolerance * (Scale(dx) + natural * 1e-4 / steps(i)), tolerance, $"{form} dL/dx at {i} ({c})");
        // dL/dγ and dL/dβ are sums of dy·x̂ and dy: of natural size |dy|, even when they cancel to ~0.
        Approx.AllClose(dgamma, analytic.Gamma, tolerance * (Scale(dgamma) + natural), tolerance, $"{form} dL/dgamma ({c})");
        Approx.AllClose(dbeta, analytic.Beta, tolerance * (Scale(dbeta) + natural), tolerance, $"{form} dL/dbeta ({c})");
    }

    private static double Scale(double[] values) => Math.Max(Approx.MaxAbs(values), 1e-12);

    /// <summary>h for each input element: 1e-4 of the standard deviation (with eps) of its group.</summary>
    private static Func<int, double> StepsPerElement(OracleForm form, NormCase c)
    {
        var step = new double[c.Data.Length];
        foreach (var group in form.Groups(c.Shape))
        {
            var values = group.Select(i => c.Data[i]).ToArray();
            var mean = values.Average();
            var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average() + c.Eps);
            foreach (var i in group)
                step[i] = 1e-4 * std;
        }
        return i => step[i];
    }

    private static double[] Central(double[] at, Func<int, double> step, Func<double[], double> f)
    {
        var grad = new double[at.Length];
        var probe = (double[])at.Clone();
        for (var i = 0; i < at.Length; i++)
        {
            var h = step(i);
            probe[i] = at[i] + h;
            var up = f(probe);
            probe[i] = at[i] - h;
            var down = f(probe);
            probe[i] = at[i];
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }
}
