using Norms.Torch.Interop;
using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

public sealed partial class Tensor
{
    private Tensor Unary(NtUnary op) => Result(nt_math_unary((int)op, H, out var r), r, this);

    private Tensor Binary(NtBinary op, Tensor other) => Result(nt_math_binary((int)op, H, other.H, out var r), r, this, other);

    private Tensor Binary(NtBinary op, double other) => Result(nt_math_binary_scalar((int)op, H, other, out var r), r, this);

    private Tensor BinaryInPlace(NtBinary op, Tensor other)
    {
        Done(nt_math_binary_((int)op, H, other.H), this, other);
        return this;
    }

    private Tensor BinaryInPlace(NtBinary op, double other)
    {
        Done(nt_math_binary_scalar_((int)op, H, other), this);
        return this;
    }

    public Tensor Neg() => Unary(NtUnary.Neg);
    public Tensor Abs() => Unary(NtUnary.Abs);
    public Tensor Exp() => Unary(NtUnary.Exp);
    public Tensor Log() => Unary(NtUnary.Log);
    public Tensor Sqrt() => Unary(NtUnary.Sqrt);
    public Tensor Rsqrt() => Unary(NtUnary.Rsqrt);
    public Tensor Sign() => Unary(NtUnary.Sign);
    public Tensor Sigmoid() => Unary(NtUnary.Sigmoid);
    public Tensor Tanh() => Unary(NtUnary.Tanh);
    public Tensor Square() => Unary(NtUnary.Square);
    public Tensor Reciprocal() => Unary(NtUnary.Reciprocal);
    public Tensor Floor() => Unary(NtUnary.Floor);
    public Tensor Ceil() => Unary(NtUnary.Ceil);
    public Tensor Round() => Unary(NtUnary.Round);
    public Tensor Sin() => Unary(NtUnary.Sin);
    public Tensor Cos() => Unary(NtUnary.Cos);
    public Tensor LogicalNot() => Unary(NtUnary.LogicalNot);
    public Tensor IsNan() => Unary(NtUnary.IsNan);
    public Tensor IsFinite() => Unary(NtUnary.IsFinite);

    public Tensor Add(Tensor other) => Binary(NtBinary.Add, other);
    public Tensor Sub(Tensor other) => Binary(NtBinary.Sub, other);
    public Tensor Mul(Tensor other) => Binary(NtBinary.Mul, other);
    public Tensor Div(Tensor other) => Binary(NtBinary.Div, other);
    public Tensor Pow(Tensor exponent) => Binary(NtBinary.Pow, exponent);
    public Tensor Pow(double exponent) => Binary(NtBinary.Pow, exponent);
    public Tensor Maximum(Tensor other) => Binary(NtBinary.Maximum, other);
    public Tensor Minimum(Tensor other) => Binary(NtBinary.Minimum, other);
    public Tensor ClampMin(double min) => Binary(NtBinary.Maximum, min);
    public Tensor ClampMax(double max) => Binary(NtBinary.Minimum, max);
    public Tensor Remainder(double divisor) => Binary(NtBinary.Remainder, divisor);
    public Tensor Clamp(double min, double max) => Result(nt_math_clamp(H, min, max, out var r), r, this);

    public Tensor Eq(Tensor other) => Binary(NtBinary.Eq, other);
    public Tensor Eq(double other) => Binary(NtBinary.Eq, other);
    public Tensor Ne(Tensor other) => Binary(NtBinary.Ne, other);
    public Tensor Lt(Tensor other) => Binary(NtBinary.Lt, other);
    public Tensor Lt(double other) => Binary(NtBinary.Lt, other);
    public Tensor Le(double other) => Binary(NtBinary.Le, other);
    public Tensor Gt(Tensor other) => Binary(NtBinary.Gt, other);
    public Tensor Gt(double other) => Binary(NtBinary.Gt, other);
    public Tensor Ge(double other) => Binary(NtBinary.Ge, other);
    public Tensor LogicalAnd(Tensor other) => Binary(NtBinary.LogicalAnd, other);
    public Tensor LogicalOr(Tensor other) => Binary(NtBinary.LogicalOr, other);

    /// <summary>Element-wise choice: <paramref name="ifTrue"/> where this bool tensor is true.</summary>
    public Tensor Where(Tensor ifTrue, Tensor ifFalse) => Result(nt_math_where(H, ifTrue.H, ifFalse.H, out var r), r, this, ifTrue, ifFalse);

    public Tensor AddInPlace(Tensor other) => BinaryInPlace(NtBinary.Add, other);
    public Tensor AddInPlace(double other) => BinaryInPlace(NtBinary.Add, other);
    public Tensor SubInPlace(Tensor other) => BinaryInPlace(NtBinary.Sub, other);
    public Tensor MulInPlace(Tensor other) => BinaryInPlace(NtBinary.Mul, other);
    public Tensor MulInPlace(double other) => BinaryInPlace(NtBinary.Mul, other);
    public Tensor DivInPlace(double other) => BinaryInPlace(NtBinary.Div, other);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, double b) => a.Binary(NtBinary.Add, b);
    public static Tensor operator +(double a, Tensor b) => b.Binary(NtBinary.Add, a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, double b) => a.Binary(NtBinary.Sub, b);
    public static Tensor operator -(double a, Tensor b)
    {
        using var neg = b.Neg();
        return neg.Binary(NtBinary.Add, a);
    }
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, double b) => a.Binary(NtBinary.Mul, b);
    public static Tensor operator *(double a, Tensor b) => b.Binary(NtBinary.Mul, a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, double b) => a.Binary(NtBinary.Div, b);

    private unsafe Tensor Reduce(NtReduce op, long[]? dims, bool keepDim)
    {
        var d = dims ?? [];
        fixed (long* p = d)
            return Result(nt_math_reduce((int)op, H, p, d.Length, keepDim, out var r), r, this);
    }

    /// <summary>Sum of all elements, or over <paramref name="dims"/>.</summary>
    public Tensor Sum(long[]? dims = null, bool keepDim = false) => Reduce(NtReduce.Sum, dims, keepDim);
    public Tensor Mean(long[]? dims = null, bool keepDim = false) => Reduce(NtReduce.Mean, dims, keepDim);
    public Tensor Amax(long[]? dims = null, bool keepDim = false) => Reduce(NtReduce.Max, dims, keepDim);
    public Tensor Amin(long[]? dims = null, bool keepDim = false) => Reduce(NtReduce.Min, dims, keepDim);

    /// <summary>Variance over <paramref name="dims"/> (all when null) with Bessel's <paramref name="correction"/>: 1 unbiased, 0 biased.</summary>
    public unsafe Tensor Var(long[]? dims = null, long correction = 1, bool keepDim = false)
    {
        var d = dims ?? [];
        fixed (long* p = d)
            return Result(nt_math_var(H, p, d.Length, correction, keepDim, out var r), r, this);
    }

    public Tensor Argmax(long dim, bool keepDim = false) => Result(nt_math_argmax(H, dim, keepDim, out var r), r, this);

    /// <summary>The k largest (or smallest) entries along <paramref name="dim"/>, sorted, with their indices.</summary>
    public (Tensor Values, Tensor Indices) Topk(long k, long dim = -1, bool largest = true)
    {
        Done(nt_math_topk(H, k, dim, largest, out var values, out var indices), this);
        return (Result(0, values), Result(0, indices));
    }

    public Tensor MatMul(Tensor other) => Result(nt_math_matmul(H, other.H, out var r), r, this, other);
}
