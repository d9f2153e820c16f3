using System.Text.RegularExpressions;
using Norms.Models;

namespace Norms.Property.Tests.Models;

/// <summary>docs/SPEC.md writes cifar10-gn out as a spec file for people to copy: it must train exactly what the
/// built-in does (it went stale once, when cifar10-recipe changed CIFAR-10's dropout and augmentation).</summary>
public sealed partial class BuiltInSpecDocTests
{
    [GeneratedRegex(@"spec file, `cifar10-gn` is:\s*```json\s*(?<json>\{.*?\})\s*```", RegexOptions.Singleline)]
    private static partial Regex Cifar10GnBlock();

    [Fact]
    public void The_spec_guides_cifar10_gn_file_is_the_built_in()
    {
        var spec = File.ReadAllText(Path.Combine(global::Norms.Property.Tests.Studies.SchemaTests.Repo(), "docs", "SPEC.md"));
        var block = Cifar10GnBlock().Match(spec);
        Assert.True(block.Success, "docs/SPEC.md has no cifar10-gn spec file block");
        var parsed = ExperimentSpecJson.Parse(block.Groups["json"].Value);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Equal(ExperimentSpecJson.Serialize(BuiltInExperiments.Find("cifar10-gn")!), ExperimentSpecJson.Serialize(parsed.Value!));
    }
}
