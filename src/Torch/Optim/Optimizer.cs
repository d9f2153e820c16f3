namespace Norms.Torch.Optim;

/// <summary>
/// Updates parameters from their gradients. The learning rate is a property so that schedules
/// can set it each step. State tensors are owned by the optimizer; dispose it with the model.
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("the optimizer got no parameters");
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be >= 0");
        LearningRate = learningRate;
    }

    public IReadOnlyList<Tensor> Parameters { get; }

    public double LearningRate { get; set; }

    /// <summary>Applies one update from the parameters' gradients. Returns false, changing nothing, when a gradient
    /// holds NaN or an infinity: the caller decides (the trainer stops the run as diverged).</summary>
    public abstract bool Step();

    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters) p.ZeroGrad(setToNone);
    }

    /// <summary>Named state tensors (momentum buffers, moments, step counts) for checkpoints.</summary>
    public abstract IEnumerable<(string Name, Tensor Tensor)> StateTensors();

    /// <summary>Restores state from a checkpoint: names and shapes must match.</summary>
    public abstract void LoadState(IReadOnlyDictionary<string, Tensor> state);

    public abstract void Dispose();

    protected static unsafe void WithHandles(IReadOnlyList<Tensor> tensors, Action<nint[]> action)
    {
        var handles = new nint[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].H;
        action(handles);
        GC.KeepAlive(tensors);
    }

    protected static void LoadInto(IReadOnlyDictionary<string, Tensor> state, string name, Tensor target)
    {
        if (!state.TryGetValue(name, out var source))
            throw new ArgumentException($"optimizer state '{name}' is missing from the checkpoint");
        if (!source.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"optimizer state '{name}' has shape [{string.Join(",", source.Shape)}], expected [{string.Join(",", target.Shape)}]");
        target.CopyInPlace(source);
    }
}
