using Norms.Precise;
using Norms.Torch;
using Norms.Torch.Nn;

namespace Norms.Training;

/// <summary>A copy of every batch norm's running_mean and running_var, to put back after PreciseBN.</summary>
public sealed class RunningStatistics : IDisposable
{
    private readonly List<(Tensor Buffer, Tensor Copy)> copies = [];

    private RunningStatistics() { }

    public static RunningStatistics Save(Module model)
    {
        var saved = new RunningStatistics();
        foreach (var layer in Collectors.BatchNorms(model))
            foreach (var buffer in new[] { layer.RunningMean, layer.RunningVar })
                if (buffer is not null) saved.copies.Add((buffer, buffer.Clone().DetachFromScope()));
        return saved;
    }

    public void Restore()
    {
        foreach (var (buffer, copy) in copies) buffer.CopyInPlace(copy);
    }

    public void Dispose()
    {
        foreach (var (_, copy) in copies) copy.Dispose();
        copies.Clear();
    }
}
