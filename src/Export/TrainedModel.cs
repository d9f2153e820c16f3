using Norms.Models;

namespace Norms.Export;

/// <summary>A compiled model with its weights loaded, the experiment it was built from, and where the weights came from
/// (for messages). Dispose it to free the model.</summary>
public sealed class TrainedModel(ExperimentSpec spec, CompiledModel model, string source) : IDisposable
{
    public ExperimentSpec Spec { get; } = spec;
    public CompiledModel Model { get; } = model;
    public string Source { get; } = source;

    public void Dispose() => Model.Dispose();
}
