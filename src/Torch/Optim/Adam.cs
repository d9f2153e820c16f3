using Norms.Torch.Interop;

namespace Norms.Torch.Optim;

/// <summary>
/// torch.optim.Adam / AdamW (1.13, no amsgrad): m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
/// p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps). Adam adds wd·p to g (L2);
/// AdamW multiplies p by 1 - lr·wd first (decoupled weight decay).
/// </summary>
public class Adam : Optimizer
{
    private readonly Tensor[] _expAvg;
    private readonly Tensor[] _expAvgSq;
    private readonly long[] _steps;
    private readonly Tensor _stepState;

    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0) : this(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: false)
    {
    }

    protected Adam(IEnumerable<Tensor> parameters, double learningRate, double beta1, double beta2, double eps,
        double weightDecay, bool decoupled) : base(parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be >= 0");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
        _expAvg = Parameters.Select(p => Tensor.Zeros(p.Shape, p.Dtype, p.Device).DetachFromScope()).ToArray();
        _expAvgSq = Parameters.Select(p => Tensor.Zeros(p.Shape, p.Dtype, p.Device).DetachFromScope()).ToArray();
        _steps = new long[Parameters.Count];
        _stepState = Tensor.Zeros([Parameters.Count], ScalarType.Int64).DetachFromScope();
    }

    /// <summary>Settable so that OneCycle can cycle it, as PyTorch does with betas[0].</summary>
    public double Beta1 { get; set; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }
    public bool Decoupled { get; }

    public override unsafe bool Step()
    {
        var parameters = Parameters.ToArray();
        var n = parameters.Length;
        var ps = new nint[n];
        var ms = new nint[n];
        var vs = new nint[n];
        for (var i = 0; i < n; i++)
        {
            ps[i] = parameters[i].H;
            ms[i] = _expAvg[i].H;
            vs[i] = _expAvgSq[i].H;
        }
        bool finite;
        fixed (nint* p = ps)
        fixed (nint* m = ms)
        fixed (nint* v = vs)
        fixed (long* s = _steps)
            Status.Check(NativeMethods.nt_optim_adam_step(p, m, v, s, n, LearningRate, Beta1, Beta2, Eps, WeightDecay, Decoupled, out finite));
        GC.KeepAlive(parameters);
        GC.KeepAlive(_expAvg);
        GC.KeepAlive(_expAvgSq);
        return finite;
    }

    public override IEnumerable<(string Name, Tensor Tensor)> StateTensors()
    {
        using (var steps = Tensor.FromArray(_steps, _steps.Length)) _stepState.CopyInPlace(steps);
        for (var i = 0; i < _expAvg.Length; i++)
        {
            yield return ($"exp_avg.{i}", _expAvg[i]);
            yield return ($"exp_avg_sq.{i}", _expAvgSq[i]);
        }
        yield return ("step", _stepState);
    }

    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        for (var i = 0; i < _expAvg.Length; i++)
        {
            LoadInto(state, $"exp_avg.{i}", _expAvg[i]);
            LoadInto(state, $"exp_avg_sq.{i}", _expAvgSq[i]);
        }
        if (!state.TryGetValue("step", out var step) || step.Numel != _steps.Length || step.Dtype != ScalarType.Int64)
            throw new ArgumentException($"optimizer state 'step' must hold {_steps.Length} int64 counts");
        step.ToArray<long>().CopyTo(_steps, 0);
    }

    public override void Dispose()
    {
        foreach (var t in _expAvg.Concat(_expAvgSq)) t.Dispose();
        _stepState.Dispose();
    }
}

/// <summary>torch.optim.AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch).</summary>
public sealed class AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8, double weightDecay = 1e-2) : Adam(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: true);
