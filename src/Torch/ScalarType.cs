namespace Norms.Torch;

/// <summary>Element types the binding supports. Values are c10::ScalarType codes, passed through unchanged.</summary>
public enum ScalarType
{
    UInt8 = 0,
    Int32 = 3,
    Int64 = 4,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
}

public static class ScalarTypeInfo
{
    public static int ElementSize(this ScalarType t) => t switch
    {
        ScalarType.UInt8 or ScalarType.Bool => 1,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported dtype"),
    };

    public static bool IsFloatingPoint(this ScalarType t) => t is ScalarType.Float32 or ScalarType.Float64;

    /// <summary>The dtype that holds elements of CLR type <typeparamref name="T"/>.</summary>
    public static ScalarType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : typeof(T) == typeof(int) ? ScalarType.Int32
        : typeof(T) == typeof(byte) ? ScalarType.UInt8
        : typeof(T) == typeof(bool) ? ScalarType.Bool
        : throw new ArgumentException($"no tensor dtype holds {typeof(T).Name}; use float, double, long, int, byte or bool");
}
