namespace Norms.Reference;

/// <summary>Ghost BatchNorm's forward, running statistics and backward (item 9 of <see cref="ReferenceNorms"/>): plain
/// BatchNorm on each group of consecutive samples.</summary>
public static partial class ReferenceNorms
{
    /// <summary>The sizes of the ghost groups of a batch of <paramref name="n"/> samples, in order. Written from the
    /// rule, not from the engine's partition: k-sized groups while more than k samples remain, then the rest as one
    /// group unless it is a single sample, which would have no statistics and so joins the group before.</summary>
    public static IReadOnlyList<int> GhostGroupSizes(int n, int k)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "a ghost batch holds at least 2 samples");
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "a batch holds at least 1 sample");
        var sizes = new List<int>();
        var left = n;
        while (left > k)
        {
            sizes.Add(k);
            left -= k;
        }
        if (left == 1 && sizes.Count > 0)
            sizes[^1] += 1;
        else
            sizes.Add(left);
        return sizes;
    }

    /// <summary>Ghost BatchNorm in training: each group's <see cref="BatchNormTrain"/>, the outputs in order.</summary>
    public static GhostNormForward GhostBatchNormTrain(Nchw x, int k, double[]? gamma, double[]? beta, double eps)
    {
        var groups = SampleGroups(x, k).Select(g => BatchNormTrain(g, gamma, beta, eps)).ToArray();
        return new(Concat(x, groups.Select(g => g.Output)), groups);
    }

    /// <summary>Running statistics after one ghost training step: one <see cref="UpdateRunningStats"/> per group, in order.</summary>
    public static RunningStats UpdateGhostRunningStats(RunningStats state, GhostNormForward step, double? momentum) =>
        step.Groups.Aggregate(state, (s, g) => UpdateRunningStats(s, g, momentum));

    /// <summary>Gradients of ghost BatchNorm in training: each group's <see cref="BatchNormTrainBackward"/>; γ's and β's
    /// gradients add over the groups.</summary>
    public static NormGradients GhostBatchNormTrainBackward(Nchw x, int k, double[]? gamma, double eps, Nchw upstream)
    {
        if (upstream.Count != x.Count)
            throw new ArgumentException($"upstream gradient has {upstream.Count} values, input has {x.Count}");
        var parts = SampleGroups(x, k).Zip(SampleGroups(upstream, k), (g, dy) => BatchNormTrainBackward(g, gamma, eps, dy)).ToArray();
        double[] Sum(Func<NormGradients, double[]> of) =>
            [.. Enumerable.Range(0, x.C).Select(c => parts.Sum(p => of(p)[c]))];
        return new(Concat(x, parts.Select(p => p.Input)), Sum(p => p.Gamma), Sum(p => p.Beta));
    }

    private static IEnumerable<Nchw> SampleGroups(Nchw x, int k)
    {
        var perSample = x.C * x.H * x.W;
        var first = 0;
        foreach (var size in GhostGroupSizes(x.N, k))
        {
            yield return new Nchw(size, x.C, x.H, x.W, x.Data.AsSpan(first * perSample, size * perSample).ToArray());
            first += size;
        }
    }

    private static Nchw Concat(Nchw whole, IEnumerable<Nchw> parts) => whole.With([.. parts.SelectMany(p => p.Data)]);
}
