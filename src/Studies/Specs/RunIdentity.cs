using System.Security.Cryptography;
using System.Text;
using Norms.Models;

namespace Norms.Studies;

/// <summary>
/// What makes two runs the same run: the fully resolved experiment (base, overrides, axes, flags, seed; its name
/// left out, since the id names it) and the slices of data it sees. Hashed with SHA-256, which is stable across
/// processes and machines (string.GetHashCode is randomized per process). Threads, jobs and engine switches are not
/// part of it: they do not change results, and result.json records them as provenance.
/// </summary>
public static class RunIdentity
{
    /// <summary>The canonical text that is hashed.</summary>
    public static string Text(ExperimentSpec spec, StudyFlags flags) =>
        ExperimentSpecJson.Serialize(spec with { Name = "run" }) +
        $"limit_train={flags.LimitTrain?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"}\n" +
        $"limit_test={flags.LimitTest?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"}\n";

    /// <summary>"s3-" and the first 12 hex digits of the hash: the seed for people, the hash for uniqueness.</summary>
    public static string Id(ExperimentSpec spec, StudyFlags flags)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text(spec, flags))));
        return $"s{spec.Seed}-{hash[..12]}";
    }
}
