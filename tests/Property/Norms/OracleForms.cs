using Norms.Property.Tests.Generators;
using Norms.Reference;

namespace Norms.Property.Tests.Norms;

/// <summary>The norms under test as uniform functions of (input, γ, β), so one property can range
/// over all of them. <see cref="Group"/> lists, for each pooled group, its flat indices.</summary>
public sealed record OracleForm(
    string Name,
    Func<Nchw, double[]?, double[]?, Nchw> Forward,
    Func<Nchw, double[]?, Nchw, NormGradients> Backward,
    Func<NormCase, double[]> Gamma,
    Func<NormCase, double[]> Beta,
    Func<Shape, int[][]> Groups)
{
    public override string ToString() => Name;

    public static IEnumerable<OracleForm> For(NormCase c, bool includeBatch)
    {
        var eps = c.Eps;
        if (includeBatch)
        {
            yield return new("batch-train",
                (x, g, b) => ReferenceNorms.BatchNormTrain(x, g, b, eps).Output,
                (x, g, dy) => ReferenceNorms.BatchNormTrainBackward(x, g, eps, dy),
                k => k.Gamma, k => k.Beta, PerChannel);
        }
        var mean = Enumerable.Range(0, c.Shape.C).Select(i => 0.3 * i - 0.5).ToArray();
        var variance = Enumerable.Range(0, c.Shape.C).Select(i => 0.5 + i).ToArray();
        yield return new("batch-eval",
            (x, g, b) => ReferenceNorms.BatchNormEval(x, mean, variance, g, b, eps),
            (x, g, dy) => ReferenceNorms.BatchNormEvalBackward(x, mean, variance, g, eps, dy),
            k => k.Gamma, k => k.Beta, PerChannel);
        yield return new($"group({c.Groups})",
            (x, g, b) => ReferenceNorms.GroupNorm(x, c.Groups, g, b, eps).Output,
            (x, g, dy) => ReferenceNorms.GroupNormBackward(x, c.Groups, g, eps, dy),
            k => k.Gamma, k => k.Beta, s => PerSampleGroup(s, c.Groups));
        yield return new("layer",
            (x, g, b) => ReferenceNorms.LayerNorm(x, g, b, eps).Output,
            (x, g, dy) => ReferenceNorms.LayerNormBackward(x, g, eps, dy),
            k => k.ElementGamma, k => k.ElementBeta, s => PerSampleGroup(s, 1));
    }

    public static int[][] PerChannel(Shape s) =>
        [.. Enumerable.Range(0, s.C).Select(c =>
            Enumerable.Range(0, s.N).SelectMany(n => Enumerable.Range(((n * s.C) + c) * s.SpatialSize, s.SpatialSize)).ToArray())];

    public static int[][] PerSampleGroup(Shape s, int groups)
    {
        var block = s.C / groups * s.SpatialSize;
        return [.. Enumerable.Range(0, s.N * groups).Select(k => Enumerable.Range(k * block, block).ToArray())];
    }
}
