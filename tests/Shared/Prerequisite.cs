using Norms.Data;
using DataRoots = Norms.Data.DataRoot;
using Xunit;
using Xunit.Abstractions;

namespace Norms.Tests;

/// <summary>
/// One home for the rule every test with an outside prerequisite follows (the real data, chromium, python3-torch, a
/// tmpfs): where it is missing the test passes after saying why it checked nothing, except under CI=true, where the
/// prerequisite is CI's to provide and the test fails naming the fix.
/// </summary>
internal static class Prerequisite
{
    /// <summary>The fix a missing data folder names under CI.</summary>
    public const string RealData = "CI must provide the real data";

    /// <summary>Says why the test checks nothing (or fails with <paramref name="ciFix"/> under CI=true).</summary>
    public static void Missing(ITestOutputHelper output, string why, string ciFix)
    {
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail($"{why}; {ciFix}");
        output.WriteLine($"SKIPPED: {why}.");
    }

    /// <summary>NORMS_DATA when it holds what <paramref name="present"/> asks for, else null after <see cref="Missing"/>
    /// with "<see cref="DataRoot.EnvironmentVariable"/> does not point at <paramref name="what"/>".</summary>
    public static string? DataRoot(ITestOutputHelper output, string what, Func<string, bool> present)
    {
        if (DataRootOrNull(present) is { } root) return root;
        MissingData(output, what);
        return null;
    }

    /// <summary>NORMS_DATA when it holds what <paramref name="present"/> asks for, else null (nothing said).</summary>
    public static string? DataRootOrNull(Func<string, bool> present)
    {
        var root = Environment.GetEnvironmentVariable(DataRoots.EnvironmentVariable);
        return !string.IsNullOrWhiteSpace(root) && present(root) ? root : null;
    }

    /// <summary><see cref="Missing"/> for a data folder without <paramref name="what"/>.</summary>
    public static void MissingData(ITestOutputHelper output, string what) =>
        Missing(output, $"{DataRoots.EnvironmentVariable} does not point at {what} (e.g. ../shared/data)", RealData);

    /// <summary>Whether <paramref name="root"/> holds the MNIST idx files.</summary>
    public static bool HasMnist(string root) => IdxFolder.Missing(DataRoots.MnistFolder(root)).Count == 0;

    /// <summary>Whether <paramref name="root"/> holds CIFAR-10, as its archive or unpacked.</summary>
    public static bool HasCifar10(string root) => File.Exists(DataRoots.CifarArchive(root))
        || Directory.Exists(Path.Combine(DataRoots.CifarFolder(root), Cifar10Reader.FolderName));
}
