using System.Runtime.InteropServices;

namespace Norms.Torch.Interop;

/// <summary>Owns one at::Generator* from the shim (nt_generator_new).</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    public GeneratorHandle() : base(0, ownsHandle: true) { }

    public GeneratorHandle(nint pointer) : base(0, ownsHandle: true) => SetHandle(pointer);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.nt_generator_free(handle);
        return true;
    }
}
