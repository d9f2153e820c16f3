namespace Norms;

/// <summary>
/// Spec values reach the engine as float32 (learning rates, factors, eps): a double outside float32's range would
/// silently become ∞ or 0 there. The rule every validation shares: a positive value lies in
/// [<see cref="SmallestNormal"/>, <see cref="Largest"/>]; a value that may be 0 is 0 or in that range.
/// </summary>
public static class Float32Range
{
    public const double Largest = float.MaxValue;
    public const double SmallestNormal = 1.1754943508222875e-38;

    /// <summary>"[1.2e-38, 3.4e38]", for messages.</summary>
    public const string Text = "[1.2e-38, 3.4e38]";

    public static bool HoldsPositive(double v) => v is >= SmallestNormal and <= Largest;

    public static bool HoldsNonNegative(double v) => v == 0 || HoldsPositive(v);
}
