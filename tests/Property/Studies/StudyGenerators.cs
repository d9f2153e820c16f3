using FsCheck;
using FsCheck.Fluent;
using Norms.Studies;

namespace Norms.Property.Tests.Studies;

/// <summary>A cell's values; printed in full so a counterexample can be replayed by hand.</summary>
public sealed record Sample(double[] Values)
{
    public override string ToString() => $"[{string.Join(", ", Values.Select(v => v.ToString("R")))}]";
}

/// <summary>Two cells' observations, in shuffled order, with some seeds in one cell only.</summary>
public sealed record CellPair(Observation[] A, Observation[] B, MetricKind Metric)
{
    public override string ToString() =>
        $"{Metric}: a {string.Join(", ", A.Select(o => $"{o.Seed}:{o.Value:R}"))} | b {string.Join(", ", B.Select(o => $"{o.Seed}:{o.Value:R}"))}";
}

/// <summary>A family of raw p-values.</summary>
public sealed record PValues(double[] P)
{
    public override string ToString() => $"[{string.Join(", ", P.Select(v => v.ToString("R")))}]";
}

/// <summary>The inputs of a verdict.</summary>
public sealed record VerdictCase(MetricKind Metric, int NPairs, double? MeanDiff, double? PHolm);

public static class StudyGenerators
{
    /// <summary>Where study values live: accuracies near 99 % and 60 %, losses near 0.05 and 1.2.</summary>
    private static readonly Gen<double> Centers = Gen.Elements(99.1, 61.3, 0.05, 1.2);

    /// <summary>Spreads from a few thousandths (seed noise of a converged MNIST net) to a few points.</summary>
    private static readonly Gen<double> Spreads = Gen.Elements(2e-3, 0.1, 3.0);

    /// <summary>n values around a center, now and then all tied (a zero-variance cell), now and then with repeats.</summary>
    public static Gen<double[]> Values(int minN, int maxN) =>
        from n in Gen.Choose(minN, maxN)
        from center in Centers
        from spread in Spreads
        from tied in Gen.Frequency((1, Gen.Constant(true)), (6, Gen.Constant(false)))
        from steps in Gen.Choose(-1000, 1000).ArrayOf(n)
        select tied ? Enumerable.Repeat(center, n).ToArray() : steps.Select(u => center + spread * u / 1000).ToArray();

    /// <summary>Seeds 1..k; each in a, in b, or (mostly) in both; a's values differ from b's by an effect (sometimes
    /// exactly 0, sometimes exactly constant so every difference is equal) plus noise; both lists shuffled.</summary>
    public static Gen<CellPair> CellPairs =>
        from k in Gen.Choose(0, 10)
        from metric in Gen.Elements(MetricKind.All.ToArray())
        from membership in Gen.Frequency((6, Gen.Constant(3)), (1, Gen.Constant(1)), (1, Gen.Constant(2))).ArrayOf(k)
        from baseline in Values(k, k)
        from effect in Gen.Elements(0.0, 0.01, -0.5, 2.0)
        from noisy in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from noise in Gen.Choose(-1000, 1000).ArrayOf(k)
        from keysA in Gen.Choose(0, 1_000_000).ArrayOf(k)
        from keysB in Gen.Choose(0, 1_000_000).ArrayOf(k)
        let a = Enumerable.Range(0, k).Where(i => (membership[i] & 1) != 0)
            .Select(i => (key: keysA[i], o: new Observation((ulong)(i + 1), baseline[i] + effect + (noisy ? 0.3 * noise[i] / 1000 : 0))))
        let b = Enumerable.Range(0, k).Where(i => (membership[i] & 2) != 0)
            .Select(i => (key: keysB[i], o: new Observation((ulong)(i + 1), baseline[i])))
        select new CellPair([.. a.OrderBy(t => t.key).Select(t => t.o)], [.. b.OrderBy(t => t.key).Select(t => t.o)], metric);

    /// <summary>1 to 12 p-values: uniform, tiny, exactly tied, 0 and 1 among them.</summary>
    public static Gen<double[]> PValueLists =>
        from m in Gen.Choose(1, 12)
        from p in Gen.Frequency(
            (6, Gen.Choose(0, 1_000_000).Select(i => i / 1_000_000.0)),
            (2, Gen.Choose(1, 1000).Select(i => i * 1e-6)),
            (1, Gen.Elements(0.0, 0.01, 0.05, 1.0))).ArrayOf(m)
        select p;

    public static Gen<VerdictCase> VerdictCases =>
        from metric in Gen.Elements(MetricKind.All.ToArray())
        from n in Gen.Choose(0, 8)
        from d in Gen.Elements<double?>(null, 0.0, 1e-9, -1e-9, 0.37, -2.5)
        from p in Gen.Elements<double?>(null, 0.0, 1e-6, 0.0499999, 0.05, 0.050001, 0.5, 1.0)
        select new VerdictCase(metric, n, d, p);
}

/// <summary>Arbitrary classes for [Property(Arbitrary = new[] { typeof(...) })].</summary>
public static class StudyArbitraries
{
    /// <summary>Cells of at least 2 values, where sd and the interval exist.</summary>
    public static class Samples
    {
        public static Arbitrary<Sample> Values() => Arb.From(StudyGenerators.Values(2, 12).Select(v => new Sample(v)));
    }

    public static class Pairs
    {
        public static Arbitrary<CellPair> Cells() => Arb.From(StudyGenerators.CellPairs);
    }

    public static class Families
    {
        public static Arbitrary<PValues> P() => Arb.From(StudyGenerators.PValueLists.Select(p => new PValues(p)));
    }

    public static class Verdicts
    {
        public static Arbitrary<VerdictCase> Cases() => Arb.From(StudyGenerators.VerdictCases);
    }
}
