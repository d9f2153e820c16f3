using Norms.Torch;

namespace Norms.Layers;

/// <summary>Shape checks shared by the norm layers: the input must be NCHW with the layer's channels.</summary>
internal static class LayerInput
{
    public static (long N, long C, long H, long W) Check(Tensor input, string layer, int channels)
    {
        var s = input.Shape;
        if (s.Length != 4)
            throw new ArgumentException($"{layer} expects an NCHW input of 4 dimensions, got [{string.Join(", ", s)}]");
        if (s[1] != channels)
            throw new ArgumentException($"{layer} was built for {channels} channels but the input has {s[1]} ([{string.Join(", ", s)}])");
        return (s[0], s[1], s[2], s[3]);
    }
}
