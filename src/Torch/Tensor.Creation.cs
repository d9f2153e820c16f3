using static Norms.Torch.Interop.NativeMethods;

namespace Norms.Torch;

public sealed partial class Tensor
{
    /// <summary>A new tensor holding a copy of <paramref name="data"/> in row-major order.</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, Device? device = null) where T : unmanaged
    {
        var dtype = ScalarTypeInfo.Of<T>();
        var d = device ?? Device.Cpu;
        fixed (T* p = data)
        fixed (long* s = shape)
        {
            var status = nt_tensor_from_data(p, (long)data.Length * sizeof(T), (int)dtype, s, shape.Length, (int)d.Type, d.Index, out var r);
            return Result(status, r);
        }
    }

    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged => FromSpan<T>(data, shape);

    public static Tensor FromArray<T>(T[] data, long[] shape, Device device) where T : unmanaged => FromSpan<T>(data, shape, device);

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor Scalar(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) => Full([], value, dtype, device);

    public static unsafe Tensor Full(ReadOnlySpan<long> shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Result(nt_tensor_full(s, shape.Length, value, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    public static Tensor Zeros(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null) => Full(shape, 0, dtype, device);

    public static Tensor Ones(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null) => Full(shape, 1, dtype, device);

    public static Tensor Arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Result(nt_tensor_arange(start, end, step, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>Standard normal samples from the default generator (seed it with <see cref="LibTorch.ManualSeed"/>).</summary>
    public static unsafe Tensor Randn(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Result(nt_random_randn(s, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>Uniform samples in [0, 1) from the default generator.</summary>
    public static unsafe Tensor Rand(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Result(nt_random_rand(s, shape.Length, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>Integers uniform in [low, high), as int64.</summary>
    public static unsafe Tensor RandInt(long low, long high, ReadOnlySpan<long> shape, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
            return Result(nt_random_randint(low, high, s, shape.Length, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>A random permutation of 0..n-1, as int64.</summary>
    public static Tensor RandPerm(long n, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Result(nt_random_randperm(n, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>Copies the elements out in row-major order; <typeparamref name="T"/> must match <see cref="Dtype"/>.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var want = ScalarTypeInfo.Of<T>();
        if (want != Dtype)
            throw new ArgumentException($"the tensor holds {Dtype}, not {want}; convert it first with To(ScalarType.{want})");
        var result = new T[Numel];
        fixed (T* p = result)
            Done(nt_tensor_copy_to(H, p, (long)result.Length * sizeof(T)), this);
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double ToDouble()
    {
        Done(nt_tensor_item(H, out var v), this);
        return v;
    }

    public float ToSingle() => (float)ToDouble();

    public long ToInt64() => (long)ToDouble();

    public Tensor To(ScalarType dtype) => To(dtype, Device);

    public Tensor To(Device device) => To(Dtype, device);

    public Tensor To(ScalarType dtype, Device device) =>
        Result(nt_tensor_to(H, (int)dtype, (int)device.Type, device.Index, out var r), r, this);

    public Tensor Clone() => Result(nt_tensor_clone(H, out var r), r, this);

    /// <summary>The same storage, cut off from the autograd graph.</summary>
    public Tensor Detach() => Result(nt_tensor_detach(H, out var r), r, this);

    public Tensor Contiguous() => Result(nt_tensor_contiguous(H, out var r), r, this);

    /// <summary>Copies <paramref name="source"/> into this tensor (broadcast, cast), without autograd.</summary>
    public Tensor CopyInPlace(Tensor source)
    {
        Done(nt_tensor_copy_(H, source.H), this, source);
        return this;
    }

    public Tensor FillInPlace(double value)
    {
        Done(nt_tensor_fill_(H, value), this);
        return this;
    }

    /// <summary>Fills with uniform samples in [low, high) from the default generator, without autograd.</summary>
    public Tensor UniformInPlace(double low, double high)
    {
        Done(nt_tensor_uniform_(H, low, high), this);
        return this;
    }

    /// <summary>Fills with uniform samples in [low, high) from <paramref name="generator"/>, without autograd.</summary>
    public Tensor UniformInPlace(double low, double high, Generator generator)
    {
        Done(nt_tensor_uniform_with(H, low, high, generator.Handle), this);
        GC.KeepAlive(generator);
        return this;
    }

    public Tensor NormalInPlace(double mean = 0, double std = 1)
    {
        Done(nt_tensor_normal_(H, mean, std), this);
        return this;
    }
}
