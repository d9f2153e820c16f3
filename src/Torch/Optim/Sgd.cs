using Norms.Torch.Interop;

namespace Norms.Torch.Optim;

/// <summary>
/// torch.optim.SGD (1.13): d = g + wd·p; buf = d on the first step, else momentum·buf + (1 - dampening)·d;
/// d = d + momentum·buf with Nesterov, else buf; p -= lr·d. Weight decay here is L2 regularization.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[] _buffers;
    private readonly byte[] _initialized;

    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false) : base(parameters, learningRate)
    {
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be >= 0");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening");
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _buffers = Parameters.Select(p => Tensor.Zeros(p.Shape, p.Dtype, p.Device).DetachFromScope()).ToArray();
        _initialized = new byte[Parameters.Count];
    }

    /// <summary>Settable so that OneCycle can cycle it, as PyTorch's does.</summary>
    public double Momentum { get; set; }
    public double Dampening { get; }
    public double WeightDecay { get; }
    public bool Nesterov { get; }

    public override unsafe bool Step()
    {
        var parameters = Parameters.ToArray();
        var ps = new nint[parameters.Length];
        var bs = new nint[parameters.Length];
        for (var i = 0; i < ps.Length; i++)
        {
            ps[i] = parameters[i].H;
            bs[i] = _buffers[i].H;
        }
        bool finite;
        fixed (nint* p = ps)
        fixed (nint* b = bs)
        fixed (byte* init = _initialized)
            Status.Check(NativeMethods.nt_optim_sgd_step(p, b, init, ps.Length, LearningRate, Momentum, Dampening, WeightDecay, Nesterov, out finite));
        GC.KeepAlive(parameters);
        GC.KeepAlive(_buffers);
        return finite;
    }

    public override IEnumerable<(string Name, Tensor Tensor)> StateTensors()
    {
        for (var i = 0; i < _buffers.Length; i++)
            if (_initialized[i] != 0) yield return ($"momentum_buffer.{i}", _buffers[i]);
    }

    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        for (var i = 0; i < _buffers.Length; i++)
        {
            var name = $"momentum_buffer.{i}";
            _initialized[i] = state.ContainsKey(name) ? (byte)1 : (byte)0;
            if (_initialized[i] != 0) LoadInto(state, name, _buffers[i]);
        }
    }

    public override void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
    }
}
