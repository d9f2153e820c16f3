using System.Diagnostics;
using System.Text.RegularExpressions;
using Norms.Property.Tests.Data;

namespace Norms.Property.Tests.Reliability;

/// <summary>
/// The commit the build embeds (src/Experiments/SourceRevision.targets, target NormsSourceRevision), run through MSBuild:
/// in this checkout, git's short hash with -dirty exactly when git status lists a change; outside any checkout, and with
/// no git on the PATH, "unknown", and the build goes on.
/// </summary>
public sealed partial class SourceRevisionTests : IDisposable
{
    private readonly DataFixtures.TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static string Project => Path.Combine(MsBuild.Root(), "src", "Experiments", "Experiments.csproj");

    [GeneratedRegex(@"Norms commit: (\S+)")]
    private static partial Regex Printed();

    private static string Commit((int Exit, string Output) build)
    {
        Assert.True(build.Exit == 0, build.Output);
        return Printed().Match(build.Output) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException(build.Output);
    }

    [Fact]
    public void In_this_checkout_the_commit_is_gits_short_hash_marked_dirty_when_the_tree_has_changes()
    {
        // A checkout exported without .git (or a machine without git) must build too, and say so.
        var (headExit, head) = Git("rev-parse", "--short=12", "HEAD");
        var (_, changes) = Git("status", "--porcelain");
        var expected = headExit != 0 ? "unknown" : changes.Length > 0 ? head + "-dirty" : head;
        Assert.Equal(expected, Commit(MsBuild.Run(Project, "NormsSourceRevision", [])));
    }

    [Fact]
    public void Outside_a_checkout_the_commit_is_unknown()
    {
        Assert.Equal("unknown", Commit(MsBuild.Run(Project, "NormsSourceRevision", [$"NormsSourceRevisionDir={temp.Path}"])));
    }

    [Fact]
    public void Without_git_on_the_path_the_commit_is_unknown()
    {
        // A PATH with a shell (Exec runs its command through sh) and dotnet's own folder, but no git.
        var bin = Directory.CreateDirectory(Path.Combine(temp.Path, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "sh"), "/bin/sh");
        var dotnet = new FileInfo(Which("dotnet")).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Which("dotnet");
        var path = $"{bin}:{Path.GetDirectoryName(dotnet)}";
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(dotnet)!, "git")), "git sits beside dotnet: this test cannot hide it");
        Assert.Equal("unknown", Commit(MsBuild.Run(Project, "NormsSourceRevision", [], new Dictionary<string, string?> { ["PATH"] = path }, dotnet)));
    }

    private static string Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"{program} is not on the PATH");

    private static (int Exit, string Output) Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = MsBuild.Root() };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var git = Process.Start(info)!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.StandardError.ReadToEnd();
            git.WaitForExit();
            return (git.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (127, ""); // no git at all
        }
    }
}
