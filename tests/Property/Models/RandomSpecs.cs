using FsCheck;
using FsCheck.Fluent;
using Norms.Models;

namespace Norms.Property.Tests.Models;

/// <summary>
/// Random valid model specs built together with what they must infer (output shape, parameter
/// count), computed here independently of ShapeInference. Built from a random seed so every
/// layer choice can depend on the shape so far.
/// </summary>
public sealed record GeneratedSpec(ModelSpec Spec, long ExpectedParams, IReadOnlyList<int> BlockIndices)
{
    public override string ToString() => $"{Spec.Norm} input {Spec.Input} layers [{string.Join(", ", Spec.Layers.Select(Describe))}]";

    private static string Describe(Layer l) => l switch
    {
        Block b => $"{l.Name}:block({b.Conv.In}->{b.Conv.Out}, k{b.Conv.Kernel} p{b.Conv.Padding} s{b.Conv.Stride})",
        Conv c => $"{l.Name}:conv({c.In}->{c.Out}, k{c.Kernel}{(c.Bias ? " bias" : "")})",
        MaxPool p => $"pool{p.Kernel}",
        ResidualAdd a => $"+{a.From}",
        _ => l.GetType().Name,
    };
}

public static class RandomSpecs
{
    public static Arbitrary<GeneratedSpec> Valid(int maxSize = 12) =>
        Gen.Choose(0, int.MaxValue).Select(seed => Build(new Random(seed), maxSize)).ToArbitrary();

    private static GeneratedSpec Build(Random rng, int maxSize)
    {
        // Channel counts are multiples of 4 so GroupNorm(Groups: 2) and groups of two channels always divide.
        NormSpec[] norms = [new BatchNorm(), new GroupNorm(Groups: 2), new GroupNorm(ChannelsPerGroup: 2), new GroupLayerNorm(),
                            new LayerNorm(), new InstanceNorm(), new InstanceNorm(Affine: true), new NoNorm(), new BatchNorm(Affine: false)];
        var norm = norms[rng.Next(norms.Length)];
        int c = rng.Next(1, 4), h = rng.Next(3, maxSize + 1), w = rng.Next(3, maxSize + 1);
        var input = new InputShape(c, h, w);
        var layers = new List<Layer>();
        var blocks = new List<int>();
        long parameters = 0;
        var steps = rng.Next(1, 7);
        var n = 0;
        for (var i = 0; i < steps; i++)
        {
            var choice = rng.Next(4);
            if (choice == 0 && h >= 2 && w >= 2)
            {
                layers.Add(new MaxPool(2));
                h /= 2; w /= 2;
                continue;
            }
            if (choice == 1 && c % 4 == 0 && h >= 2 && w >= 2)
            {
                // A residual pair that keeps the shape: x = a + b(a).
                var a = $"r{n++}"; var b = $"r{n++}";
                int o = c;
                blocks.Add(layers.Count); layers.Add(new Block(new Conv(c, o, 3, 1)) { Name = a });
                blocks.Add(layers.Count); layers.Add(new Block(new Conv(o, o, 3, 1)) { Name = b });
                layers.Add(new ResidualAdd(a));
                parameters += 2 * (9L * o * o) + 2 * NormParams(norm, o, h, w);
                continue;
            }
            if (choice == 2)
            {
                var o = 4 * rng.Next(1, 5);
                var bias = rng.Next(2) == 0;
                layers.Add(new Conv(c, o, 1, Bias: bias) { Name = $"t{n++}" });
                parameters += (long)c * o + (bias ? o : 0);
                c = o;
                continue;
            }
            {
                var o = 4 * rng.Next(1, 5);
                var k = rng.Next(2) == 0 ? 1 : 3;
                var pad = rng.Next(0, k / 2 + 1);
                var stride = rng.Next(1, 3);
                int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
                if (oh < 2 || ow < 2) // keep >= 2x2 so InstanceNorm has more than one element
                    continue;
                blocks.Add(layers.Count);
                layers.Add(new Block(new Conv(c, o, k, pad, stride)));
                parameters += (long)c * o * k * k + NormParams(norm, o, oh, ow);
                c = o; h = oh; w = ow;
            }
        }
        layers.Add(new GlobalAvgPool());
        var classes = rng.Next(2, 11);
        layers.Add(new Conv(c, classes, 1, Bias: true));
        parameters += (long)c * classes + classes;
        layers.Add(new LogSoftmaxHead());
        var spec = new ModelSpec("random", input, classes, new ValueList<Layer>(layers), norm, rng.NextDouble() * 0.5, Regularization.None);
        return new GeneratedSpec(spec, parameters, blocks);
    }

    private static long NormParams(NormSpec norm, int c, int h, int w) => norm switch
    {
        BatchNorm { Affine: true } or GroupNorm { Affine: true } or GroupLayerNorm { Affine: true } or InstanceNorm { Affine: true } => 2L * c,
        LayerNorm { ElementwiseAffine: true } => 2L * c * h * w,
        _ => 0,
    };
}
