using System.Text.Json.Serialization;

namespace Norms.Results;

/// <summary>How a run ended (or that it is still going).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("diverged")] Diverged,
    [JsonStringEnumMemberName("interrupted")] Interrupted,
    /// <summary>An error stopped it (the engine, memory, a file); <see cref="RunResult.Message"/> says which.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
}
