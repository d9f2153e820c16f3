using Norms.Torch;

namespace Norms.Models;

/// <summary>
/// A model's dropout keys: the caller's <see cref="DropoutPosition"/> when one is set; otherwise the model's own
/// stream (its seed and a call counter), so a model used outside the trainer is reproducible in sequence and still
/// reads no process-wide generator.
/// </summary>
internal sealed class DropoutSource(ulong seed)
{
    private long calls;

    public DropoutKey For(string moduleName)
    {
        var position = DropoutPosition.Current
            ?? new DropoutKey(DropoutStreams.Mix(seed ^ DropoutStreams.Mix((ulong)Interlocked.Increment(ref calls))), 0);
        return position with { Stream = DropoutStreams.ForLayer(position.Stream, moduleName) };
    }
}
