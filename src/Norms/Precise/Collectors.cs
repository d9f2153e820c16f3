using Norms.Layers;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Precise;

/// <summary>
/// A <see cref="StatisticsCollector"/> on every batch norm of a model, for as long as this lives: disposing it takes them
/// off again, so the model's forward is its own once more. One pass per batch serves every layer at once: a layer's input
/// depends on the earlier layers only through the statistics they normalize with, and in these passes those are the
/// batch's own, never the running ones being recomputed, so recomputing layer by layer would see the same inputs.
/// </summary>
public sealed class Collectors : IDisposable
{
    private Collectors(IReadOnlyList<StatisticsCollector> all) => All = all;

    /// <summary>In module order (state_dict order).</summary>
    public IReadOnlyList<StatisticsCollector> All { get; }

    /// <param name="record">keep each batch's statistics (PreciseBN); false only normalizes by them (the batch-statistics test pass).</param>
    /// <param name="inputs">sees each layer's input before it is normalized.</param>
    public static Collectors Install(Module model, bool record, Action<BatchNormLayer, Tensor>? inputs = null)
    {
        var all = BatchNorms(model).Select(layer =>
        {
            var collector = new StatisticsCollector(layer, record) { Inputs = inputs is null ? null : x => inputs(layer, x) };
            layer.Collector = collector;
            return collector;
        }).ToArray();
        return new Collectors(all);
    }

    /// <summary>Every batch norm of <paramref name="model"/>, in module order.</summary>
    public static IEnumerable<BatchNormLayer> BatchNorms(Module model)
    {
        if (model is BatchNormLayer bn) yield return bn;
        foreach (var (_, child) in model.NamedChildren())
            foreach (var layer in BatchNorms(child)) yield return layer;
    }

    public void Dispose()
    {
        foreach (var c in All)
        {
            c.Layer.Collector = null;
            c.Dispose();
        }
    }
}
