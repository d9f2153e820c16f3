namespace Norms.Models;

/// <summary>Channels x height x width of one sample (no batch dimension).</summary>
public sealed record InputShape(int Channels, int Height, int Width)
{
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}

/// <summary>The regularization: <paramref name="L1"/> * sum |w| over the convolution kernels, added to the loss, and
/// <paramref name="L2"/> as the optimizer's (coupled) weight decay over every parameter, norm affines and biases included
/// (the reference's recipe). Zero means off.</summary>
public sealed record Regularization(double L1 = 0, double L2 = 0)
{
    public static Regularization None { get; } = new();
}

/// <summary>
/// A whole network: input shape, the layers in order, the number of classes the head must produce,
/// and the choices shared by every block (norm, dropout) and the regularization. Pure data, compared
/// by value; check it with <see cref="ModelValidation.Validate"/> and build it with <see cref="ModelCompiler.Compile"/>.
/// </summary>
public sealed record ModelSpec(
    string Name,
    InputShape Input,
    int Classes,
    ValueList<Layer> Layers,
    NormSpec Norm,
    double Dropout,
    Regularization Regularization)
{
    /// <summary>The norm each block uses, in order (its own, else the model's), nested sequences included.</summary>
    public IEnumerable<NormSpec> BlockNorms() => Blocks(Layers).Select(b => b.Norm ?? Norm);

    private static IEnumerable<Block> Blocks(IEnumerable<Layer> layers) =>
        layers.SelectMany(l => l switch
        {
            Block b => [b],
            Sequential s => Blocks(s.Layers),
            _ => Enumerable.Empty<Block>(),
        });
}
