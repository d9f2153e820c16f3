namespace Norms.Torch;

/// <summary>
/// Disposes every tensor created on this thread while it is the innermost scope (one per training
/// step, say), except those moved out with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromScope"/>. Scopes nest; dispose them in reverse order of creation.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;

    private readonly List<Tensor> _owned = new(64);
    private bool _disposed;

    internal DisposeScope()
    {
        Parent = t_current;
        t_current = this;
    }

    public DisposeScope? Parent { get; }

    internal static DisposeScope? Current => t_current;

    /// <summary>How many tensors this scope would dispose now.</summary>
    public int Count => _owned.Count(t => ReferenceEquals(t.Scope, this) && !t.IsDisposed);

    internal void Register(Tensor t) => _owned.Add(t);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("dispose scopes must be disposed innermost first");
        t_current = Parent;
        foreach (var t in _owned)
            if (ReferenceEquals(t.Scope, this)) t.Dispose();
        _owned.Clear();
    }
}
