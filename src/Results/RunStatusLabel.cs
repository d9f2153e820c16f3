using System.Reflection;
using System.Text.Json.Serialization;

namespace Norms.Results;

/// <summary>The one status label: the word result.json writes (the enum's JSON name), which the console and the report print.</summary>
public static class RunStatusLabel
{
    private static readonly Dictionary<RunStatus, string> Words = Enum.GetValues<RunStatus>().ToDictionary(s => s,
        s => typeof(RunStatus).GetField(s.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name);

    /// <summary>"running", "completed", "diverged", "interrupted" or "failed".</summary>
    public static string Label(this RunStatus status) => Words.TryGetValue(status, out var word) ? word : status.ToString().ToLowerInvariant();
}
