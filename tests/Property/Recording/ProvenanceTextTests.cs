using Norms.Experiments.Cli;

namespace Norms.Property.Tests.Recording;

/// <summary>The pure parts of what a result records about its process: the command line's text, the CPU's model name
/// from /proc/cpuinfo, and the vector instruction set's name.</summary>
public sealed class ProvenanceTextTests
{
    [Fact]
    public void Plain_arguments_are_joined_as_given_and_the_others_quoted_as_a_shell_needs()
    {
        Assert.Equal("run mnist-bn --epochs 5 --out runs/a --dataset idx:/data/x", CommandLineText.Join(["run", "mnist-bn", "--epochs", "5", "--out", "runs/a", "--dataset", "idx:/data/x"]));
        Assert.Equal("run --out 'my runs' --spec '' 'it'\\''s' '$HOME' 'a;b'", CommandLineText.Join(["run", "--out", "my runs", "--spec", "", "it's", "$HOME", "a;b"]));
        Assert.Equal("", CommandLineText.Join([]));
    }

    [Fact]
    public void Quoted_arguments_read_back_as_given_through_a_shell()
    {
        string[] args = ["a b", "it's", "\"x\"", "$HOME", "*", "tab\there", "back\\slash", "plain"];
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("printf '%s\\n' " + CommandLineText.Join(args));
        using var sh = System.Diagnostics.Process.Start(info)!;
        var lines = sh.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        sh.WaitForExit();
        Assert.Equal(args, lines);
    }

    [Fact]
    public void The_cpu_model_is_the_first_model_name_of_cpuinfo_and_unknown_without_one()
    {
        const string x86 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13 64-Core Processor\nflags\t\t: fpu avx2\n\nprocessor\t: 1\nmodel name\t: Other\n";
        Assert.Equal("AMD EPYC 7B13 64-Core Processor", CpuDescription.ModelName(x86));
        const string arm = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n";
        Assert.Equal("unknown", CpuDescription.ModelName(arm));
        Assert.Equal("unknown", CpuDescription.ModelName(null));
        Assert.Equal("unknown", CpuDescription.ModelName("model name\t:   \n"));
    }

    [Fact]
    public void The_vector_isa_is_the_widest_set_supported()
    {
        VectorSupport none = new(false, false, false, false, false, false, false);
        Assert.Equal("AVX-512", CpuDescription.VectorIsa(none with { Avx512F = true, Avx2 = true, Avx = true, Sse42 = true, Sse41 = true, Sse2 = true }));
        Assert.Equal("AVX2", CpuDescription.VectorIsa(none with { Avx2 = true, Avx = true, Sse42 = true, Sse2 = true }));
        Assert.Equal("AVX", CpuDescription.VectorIsa(none with { Avx = true, Sse42 = true, Sse2 = true }));
        Assert.Equal("SSE4.2", CpuDescription.VectorIsa(none with { Sse42 = true, Sse41 = true, Sse2 = true }));
        Assert.Equal("SSE4.1", CpuDescription.VectorIsa(none with { Sse41 = true, Sse2 = true }));
        Assert.Equal("SSE2", CpuDescription.VectorIsa(none with { Sse2 = true }));
        Assert.Equal("AdvSIMD", CpuDescription.VectorIsa(none with { AdvSimd = true }));
        Assert.Equal("none", CpuDescription.VectorIsa(none));
    }
}
