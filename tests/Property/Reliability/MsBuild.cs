using System.Diagnostics;

namespace Norms.Property.Tests.Reliability;

/// <summary>One MSBuild target of this checkout run in a child `dotnet msbuild` (a few seconds, no compiler), for the
/// tests of the build's own targets.</summary>
internal static class MsBuild
{
    /// <param name="environment">Variables to set (a null value removes one) in the child's environment.</param>
    public static (int Exit, string Output) Run(string project, string target, IEnumerable<string> properties,
        IReadOnlyDictionary<string, string?>? environment = null, string dotnet = "dotnet")
    {
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "msbuild", project, "-nologo", "-v:n", "--disable-build-servers", $"-t:{target}" })
            info.ArgumentList.Add(a);
        foreach (var p in properties) info.ArgumentList.Add($"-p:{p}");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>The checkout these tests were built from (the folder holding Norms.sln).</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Norms.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Norms.sln not found above the test binaries");
    }
}
