namespace Norms.Torch.Nn;

/// <summary>
/// A layer or network: named parameters (trainable), named buffers (state such as running
/// statistics) and submodules, with a train/eval mode. A module owns its tensors and disposes them.
/// Names are dotted paths, as in PyTorch's state_dict ("features.0.norm.running_mean").
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _modules = [];
    private bool _disposed;

    /// <summary>True in training mode (dropout active, batch statistics), false in evaluation.</summary>
    public bool Training { get; private set; } = true;

    public abstract Tensor Forward(Tensor input);

    /// <summary>Registers a trainable tensor; the module takes ownership and marks it as requiring grad.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.DetachFromScope();
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers state that is saved and loaded but not trained; the module takes ownership.</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.DetachFromScope();
        _buffers.Add((name, tensor));
        return tensor;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _modules.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid member name '{name}': use a non-empty name without dots");
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _modules.Any(m => m.Name == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}");
    }

    public IEnumerable<(string Name, Module Module)> NamedChildren() => _modules;

    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (n, t) in _parameters) yield return (prefix + n, t);
        foreach (var (n, m) in _modules)
            foreach (var p in m.NamedParameters(prefix + n + ".")) yield return p;
    }

    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(string prefix = "")
    {
        foreach (var (n, t) in _buffers) yield return (prefix + n, t);
        foreach (var (n, m) in _modules)
            foreach (var b in m.NamedBuffers(prefix + n + ".")) yield return b;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>Parameters then buffers: everything a checkpoint must hold to restore the module.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateDict() => NamedParameters().Concat(NamedBuffers());

    public long ParameterCount() => NamedParameters().Sum(p => p.Tensor.Numel);

    public Module Train(bool training = true)
    {
        Training = training;
        foreach (var (_, m) in _modules) m.Train(training);
        return this;
    }

    public Module Eval() => Train(false);

    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters()) p.ZeroGrad(setToNone);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(true);
        foreach (var (_, m) in _modules) m.Dispose();
        foreach (var (_, t) in _parameters) t.Dispose();
        foreach (var (_, t) in _buffers) t.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases anything a subclass owns beyond its registered tensors and submodules.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
