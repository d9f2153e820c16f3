namespace Norms.Data;

/// <summary>The random training-time transformation of a dataset; parameters are drawn per image.</summary>
public abstract record Augmentation
{
    private Augmentation() { }

    public sealed record None : Augmentation;

    /// <summary>Rotation by an angle uniform in [-MaxDegrees, MaxDegrees], bilinear, background 0 (MNIST: 15).</summary>
    public sealed record RandomRotation(double MaxDegrees) : Augmentation;

    /// <summary>Random crop of the image padded with Padding zero pixels, then horizontal flip with FlipProbability (CIFAR-10: 4, 0.5).</summary>
    public sealed record RandomCropFlip(int Padding, double FlipProbability) : Augmentation;

    public static Augmentation Mnist { get; } = new RandomRotation(15);
    public static Augmentation Cifar10 { get; } = new RandomCropFlip(4, 0.5);
}
