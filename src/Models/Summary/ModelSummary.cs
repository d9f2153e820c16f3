namespace Norms.Models;

/// <summary>One row of a summary: a layer, its output shape for the whole batch and its parameters.</summary>
public sealed record SummaryRow(string Name, string Path, string Label, string Type, int Depth, bool IsLeaf, ValueList<long> OutputShape, long Params, long MultAdds);

/// <summary>
/// What a torchinfo summary reports, computed from the spec alone (shape inference, no engine).
/// <para>
/// Mult-adds follow torchinfo: a conv counts (weight + bias elements) x batch x output H x W, another layer
/// with parameters counts batch x its parameters, layers without parameters count nothing.
/// Memory is estimated in float32 (4 bytes an element), MB = 10^6 bytes, as torchinfo does: input =
/// the input batch; forward/backward pass = every leaf layer's output for the batch, twice (the activation
/// autograd keeps and its gradient); params = the parameters. The engine may need less (in-place or fused
/// kernels) or more (workspaces, optimizer state, norm running statistics): this is a guide, not a measure.
/// Norm running statistics are buffers, not parameters, so they are in neither count.
/// </para>
/// </summary>
public sealed record ModelSummary(
    string Model,
    string Norm,
    int BatchSize,
    ValueList<long> InputShape,
    ValueList<long> OutputShape,
    IReadOnlyList<SummaryRow> Rows,
    long TotalParams,
    long TrainableParams,
    long NonTrainableParams,
    long MultAdds,
    long ActivationsPerSample,
    double InputMegabytes,
    double ForwardBackwardMegabytes,
    double ParamsMegabytes)
{
    public const int BytesPerElement = 4;

    public double EstimatedTotalMegabytes => InputMegabytes + ForwardBackwardMegabytes + ParamsMegabytes;

    /// <summary>The summary of a valid spec for a batch of <paramref name="batchSize"/>; throws
    /// <see cref="ModelSpecException"/> listing every error when the spec is invalid.</summary>
    public static ModelSummary Of(ModelSpec spec, int batchSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var analysis = ShapeInference.Analyze(spec);
        if (!analysis.IsValid)
            throw new ModelSpecException(analysis.Errors);
        ValueList<long> Batched(ValueList<int> dims) => [batchSize, .. dims.Select(d => (long)d)];
        var rows = analysis.Layers
            .Select(l => new SummaryRow(l.ModuleName, l.Path, l.Label, l.Type, l.Depth, l.IsLeaf, Batched(l.OutputShape!), l.Params, l.MultAddsPerSample * batchSize))
            .ToList();
        var total = analysis.TotalParams;
        var input = spec.Input;
        var inputElements = (long)batchSize * input.Channels * input.Height * input.Width;
        static double Mb(long elements) => elements * (double)BytesPerElement / 1e6;
        return new ModelSummary(
            spec.Name, spec.Norm.ShortName, batchSize,
            [batchSize, input.Channels, input.Height, input.Width], Batched(analysis.OutputShape!),
            rows, total, total, 0, analysis.MultAddsPerSample * batchSize, analysis.ActivationsPerSample,
            Mb(inputElements), Mb(2 * batchSize * analysis.ActivationsPerSample), Mb(total));
    }
}
