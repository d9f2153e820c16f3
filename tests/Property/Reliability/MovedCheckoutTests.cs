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
        var native = Path.Combine(MsBuild.Root(), "src", "Torch", "native");
        var build = Path.Combine(temp.Path, "native") + "/";
        Directory.CreateDirectory(Path.Combine(build, "CMakeFiles"));
        var source = foreign ? "/elsewhere/norms/src/Torch/native" : native;
        var cache = Path.Combine(build, "CMakeCache.txt");
        File.WriteAllText(cache, $"# This is the CMakeCache file.\nCMAKE_BUILD_TYPE:STRING=Release\n" +
            $"CMAKE_CACHEFILE_DIR:INTERNAL={build.TrimEnd('/')}\nCMAKE_HOME_DIRECTORY:INTERNAL={source}\n");

        var (exit, output) = MsBuild.Run(Path.Combine(MsBuild.Root(), "src", "Torch", "Torch.csproj"), "DropForeignNativeShimCache", [$"NativeShimBuildDir={build}"]);

        Assert.True(exit == 0, output);
        Assert.Equal(!foreign, File.Exists(cache));
        Assert.Equal(!foreign, Directory.Exists(Path.Combine(build, "CMakeFiles")));
        Assert.Equal(foreign, output.Contains("was made for another folder"));
    }
}
