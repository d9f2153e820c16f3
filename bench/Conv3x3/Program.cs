using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Norms.Torch;

namespace Norms.Bench.Conv3x3;

/// <summary>
/// One 3x3 convolution of Mnist8k or Cifar50k, forward and backward (both gradients), on one thread: the shim's direct
/// kernels (Functional.Conv3x3 with no size limit) against oneDNN (Functional.Conv2d), channels-last float32 as a
/// data-parallel replica runs them. What the direct kernels' size rule (kDirectMacs in native/conv3x3.cpp) rests on.
/// Run: dotnet run -c Release --project bench/Conv3x3 -- --filter '*' --job short
/// </summary>
[MemoryDiagnoser]
public class ConvLayer
{
    /// <summary>Cin-Cout-input size-padding.</summary>
    [Params("1-8-28-1", "8-8-28-1", "8-12-14-0", "12-12-12-0", "12-16-6-0", "16-24-32-1", "32-32-8-1")]
    public string Layer { get; set; } = "";

    [Params(4, 32)]
    public int Samples { get; set; }

    private Tensor _x = null!, _w = null!, _dy = null!;
    private int _pad;

    [GlobalSetup]
    public void Setup()
    {
        var p = Layer.Split('-').Select(int.Parse).ToArray();
        var (cin, cout, size, pad) = (p[0], p[1], p[2], p[3]);
        _pad = pad;
        var rng = new Random(1);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var o = size + 2 * pad - 2;
        _x = Tensor.FromArray(Random(Samples * cin * size * size), Samples, cin, size, size).Contiguous(MemoryFormat.ChannelsLast);
        _w = Tensor.FromArray(Random(cout * cin * 9), cout, cin, 3, 3).Contiguous(MemoryFormat.ChannelsLast);
        _dy = Tensor.FromArray(Random(Samples * cout * o * o), Samples, cout, o, o).Contiguous(MemoryFormat.ChannelsLast);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _x.Dispose();
        _w.Dispose();
        _dy.Dispose();
    }

    private void Step(Func<Tensor, Tensor, Tensor> conv)
    {
        using var scope = LibTorch.NewDisposeScope();
        var x = _x.Detach().WithRequiresGrad();
        var w = _w.Detach().WithRequiresGrad();
        conv(x, w).Backward(_dy);
    }

    [Benchmark(Baseline = true, Description = "oneDNN")]
    public void OneDnn() => Step((x, w) => Functional.Conv2d(x, w, padding: (_pad, _pad)));

    [Benchmark(Description = "direct")]
    public void Direct() => Step((x, w) => Functional.Conv3x3(x, w, _pad, out _, long.MaxValue));
}

public static class Program
{
    public static void Main(string[] args)
    {
        // The edge: the process-wide engine step before anything calls into libtorch, one intra-op thread (a replica's).
        LibTorch.Initialize(EngineOptions.FromEnvironment(Environment.GetEnvironmentVariable, Device.Cpu, threads: 1));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
