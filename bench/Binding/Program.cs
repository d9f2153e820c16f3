using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Norms.Torch;

namespace Norms.Bench.Binding;

/// <summary>
/// The cost of crossing the binding: one small op plus the disposal of its result (target ≤ 5 µs),
/// next to the bare libtorch work measured through the same path on a larger tensor.
/// Run: dotnet run -c Release --project bench/Binding
/// </summary>
[MemoryDiagnoser]
public class CallOverhead
{
    private Tensor _small = null!;

    [GlobalSetup]
    public void Setup() => _small = Tensor.Ones([4]);

    [GlobalCleanup]
    public void Cleanup() => _small.Dispose();

    [Benchmark(Description = "add scalar to a 4-element tensor, then dispose")]
    public void AddAndDispose()
    {
        using var r = _small + 1.0;
    }

    [Benchmark(Description = "same inside a DisposeScope")]
    public void AddInScope()
    {
        using var scope = Norms.Torch.LibTorch.NewDisposeScope();
        _ = _small + 1.0;
    }

    [Benchmark(Description = "read the shape (cached after the first call)")]
    public long Shape() => _small.Shape[0];
}

public static class Program
{
    public static void Main(string[] args)
    {
        // The edge: the process-wide engine step before anything calls into libtorch (as the command line's Program).
        Norms.Torch.LibTorch.Initialize(EngineOptions.FromEnvironment(Environment.GetEnvironmentVariable, Device.Cpu, threads: 1));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
