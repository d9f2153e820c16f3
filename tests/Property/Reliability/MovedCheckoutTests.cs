using System.Diagnostics;
using Norms.Property.Tests.Data;

namespace Norms.Property.Tests.Reliability;

/// <summary>
/// A copied or moved checkout carries the native shim's CMake cache, which names the old folders; CMake refuses such a
/// cache, so the build must drop it first (src/Torch/native/NativeShim.targets, target DropForeignNativeShimCache). Run
/// here through MSBuild on a build folder of the test's own with a cache written by hand (a few seconds, no compiler):
/// the whole moved build (configure and compile, about two minutes) was tried by hand, see docs/RELIABILITY.md.
/// </summary>
public sealed class MovedCheckoutTests : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_cmake_cache_of_another_folder_is_dropped_and_one_of_this_folder_kept(bool foreign)
    {
        var native = Path.Combine(Root(), "src", "Torch", "native");
        var build = Path.Combine(temp.Path, "native") + "/";
        Directory.CreateDirectory(Path.Combine(build, "CMakeFiles"));
        var source = foreign ? "/elsewhere/norms/src/Torch/native" : native;
        var cache = Path.Combine(build, "CMakeCache.txt");
        File.WriteAllText(cache, $"# This is the CMakeCache file.\nCMAKE_BUILD_TYPE:STRING=Release\n" +
            $"CMAKE_CACHEFILE_DIR:INTERNAL={build.TrimEnd('/')}\nCMAKE_HOME_DIRECTORY:INTERNAL={source}\n");

        var (exit, output) = MsBuild(Path.Combine(Root(), "src", "Torch", "Torch.csproj"), "DropForeignNativeShimCache", $"NativeShimBuildDir={build}");

        Assert.True(exit == 0, output);
        Assert.Equal(!foreign, File.Exists(cache));
        Assert.Equal(!foreign, Directory.Exists(Path.Combine(build, "CMakeFiles")));
        Assert.Equal(foreign, output.Contains("was made for another folder"));
    }

    private static (int Exit, string Output) MsBuild(string project, string target, string property)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "msbuild", project, "-nologo", "-v:n", "--disable-build-servers", $"-t:{target}", $"-p:{property}" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Norms.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Norms.sln not found above the test binaries");
    }
}
