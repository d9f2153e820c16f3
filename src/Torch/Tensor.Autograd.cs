using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor (leaf tensors: set it to make a parameter).</summary>
    public bool RequiresGrad
    {
        get
        {
            Done(nt_autograd_requires_grad(H, out var v), this);
            return v;
        }
        set => Done(nt_autograd_set_requires_grad(H, value), this);
    }

    public Tensor WithRequiresGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Accumulates gradients into the leaves; a scalar needs no <paramref name="gradient"/>.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) =>
        Done(nt_autograd_backward(H, HandleOrNull(gradient), retainGraph), this, gradient);

    /// <summary>The accumulated gradient as a new tensor sharing its storage, or null when there is none yet.</summary>
    public Tensor? Grad => ResultOrNull(nt_autograd_grad(H, out var r), r, this);

    /// <summary>Clears the gradient: to none (PyTorch's default since 2.0), or to zeros.</summary>
    public void ZeroGrad(bool setToNone = true) => Done(nt_autograd_zero_grad(H, setToNone), this);
}
