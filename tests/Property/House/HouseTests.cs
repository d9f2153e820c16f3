using System.Text.RegularExpressions;
using System.Xml.Linq;
using Norms.Property.Tests.Reliability;

namespace Norms.Property.Tests.House;

/// <summary>
/// The house's rules, measured on the checkout (docs/ARCHITECTURE.md): each room references only the rooms below it
/// (so Reports cannot train); nothing below the command line reads the environment or sets a process-wide engine
/// switch, beside the one exemption, LibTorch.Initialize; and no room outgrows the others.
/// </summary>
public sealed partial class HouseTests
{
    private static readonly string Src = Path.Combine(MsBuild.Root(), "src");

    /// <summary>The rooms and what each may reference directly. One way, bottom to top.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Torch"] = [],
        ["Norms"] = ["Torch"],
        ["Models"] = ["Norms"],
        ["Data"] = ["Models"],
        ["Results"] = ["Models"],
        ["Training"] = ["Data", "Results"],
        ["Export"] = ["Training"],
        ["Reports"] = ["Data", "Results", "Studies"],
        ["Studies"] = ["Results"],
        ["Experiments"] = ["Export", "Training", "Reports", "Studies"],
    };

    private static IReadOnlyList<string> References(string project) =>
        [.. XDocument.Load(Path.Combine(Src, project, project + ".csproj")).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> Reachable(string project) =>
        References(project).SelectMany(r => Reachable(r).Prepend(r)).Distinct();

    [Fact]
    public void Each_room_references_only_the_rooms_below_it_and_reports_never_reach_training()
    {
        var projects = Directory.EnumerateDirectories(Src).Select(Path.GetFileName).Where(p => File.Exists(Path.Combine(Src, p!, p + ".csproj")));
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), projects.Order(StringComparer.Ordinal)!);
        foreach (var (project, allowed) in Allowed)
            Assert.True(allowed.Order(StringComparer.Ordinal).SequenceEqual(References(project)),
                $"{project} references {string.Join(", ", References(project))}; the house allows {string.Join(", ", allowed)}");
        Assert.DoesNotContain("Training", Reachable("Reports"));
        Assert.DoesNotContain("Experiments", Allowed.Keys.Where(p => p != "Experiments").SelectMany(Reachable));
    }

    // Calls only, not the definitions in Torch: the environment, libtorch's process-wide thread count and generator.
    [GeneratedRegex(@"Environment\.(Get|Set)EnvironmentVariables?\b|\bgetenv\s*\(|\bsetenv\s*\(|\bmallopt\s*\(|LibTorch\.(Threads\s*=[^=]|ManualSeed\(|SetRngState\()")]
    private static partial Regex AmbientEngineAccess();

    /// <summary>The one exemption (LibTorch.Initialize's helpers), by file.</summary>
    private static readonly string[] Exempt = ["Torch/Interop/OpenMpWaitPolicy.cs", "Torch/Interop/AllocatorTuning.cs"];

    [Fact]
    public void Nothing_below_the_command_line_reads_the_environment_or_sets_a_process_wide_engine_switch()
    {
        var sources = Directory.EnumerateFiles(Src, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cpp", StringComparison.Ordinal) || f.EndsWith(".h", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Src, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj") && !f.StartsWith("Experiments/", StringComparison.Ordinal) && !Exempt.Contains(f))
            .ToArray();
        Assert.True(sources.Length > 100, $"only {sources.Length} source files found below {Src}");
        var found = (from file in sources
                     from line in File.ReadLines(Path.Combine(Src, file)).Select((text, i) => (text, number: i + 1))
                     let code = line.text.TrimStart()
                     where !code.StartsWith("//", StringComparison.Ordinal) && AmbientEngineAccess().IsMatch(code)
                     select $"src/{file}:{line.number}: {code}").ToArray();
        Assert.True(found.Length == 0, "ambient engine access below the command line:\n" + string.Join('\n', found));
    }

    [Fact]
    public void No_room_holds_more_than_about_a_third_of_the_source_lines()
    {
        var lines = Allowed.Keys.ToDictionary(p => p, p => Directory.EnumerateFiles(Path.Combine(Src, p), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Sum(f => File.ReadLines(f).Count()));
        var total = lines.Values.Sum();
        foreach (var (project, count) in lines)
            Assert.True(count <= total * 0.35, $"src/{project} holds {count} of {total} lines ({100.0 * count / total:F0} %)");
    }
}
