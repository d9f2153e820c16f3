namespace Norms.Torch.Interop;

/// <summary>
/// What every shim export that can fail returns: mirrors <c>nt_status</c> in native/norms_torch.h, value for
/// value (the values are the ABI; change both together). <see cref="Status.Check"/> turns each into its exception.
/// </summary>
internal enum NativeStatus
{
    /// <summary>NT_OK: success; out-parameters are written.</summary>
    Ok = 0,

    /// <summary>NT_ERR_ARGUMENT: a precondition on the arguments failed (shape, dtype, device, value).</summary>
    ArgumentError = 1,

    /// <summary>NT_ERR_INDEX: an index out of range.</summary>
    IndexError = 2,

    /// <summary>NT_ERR_ENGINE: anything else: out of memory, an internal assert, an unknown exception.</summary>
    EngineError = 3,

    /// <summary>NT_ERR_UNSUPPORTED: this libtorch lacks the feature (the distributed exports without c10d/Gloo).</summary>
    Unsupported = 4,
}
