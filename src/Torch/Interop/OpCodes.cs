namespace Norms.Torch.Interop;

/// <summary>Op codes of nt_math_unary (math.cpp's switch).</summary>
internal enum NtUnary
{
    Neg = 0, Abs = 1, Exp = 2, Log = 3, Sqrt = 4, Rsqrt = 5, Sign = 6, Sigmoid = 7, Tanh = 8, Square = 9,
    Reciprocal = 10, Floor = 11, Ceil = 12, Round = 13, LogicalNot = 14, IsNan = 15, IsFinite = 16, Sin = 17, Cos = 18,
}

/// <summary>Op codes of nt_math_binary*; with a scalar, Maximum/Minimum are clamp_min/clamp_max.</summary>
internal enum NtBinary
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Maximum = 5, Minimum = 6, Eq = 7, Ne = 8, Lt = 9, Le = 10, Gt = 11,
    Ge = 12, LogicalAnd = 13, LogicalOr = 14, Remainder = 15,
}

/// <summary>Op codes of nt_math_reduce.</summary>
internal enum NtReduce
{
    Sum = 0, Mean = 1, Max = 2, Min = 3,
}
