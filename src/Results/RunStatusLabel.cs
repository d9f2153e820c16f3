namespace Norms.Results;

/// <summary>The one status label: the word result.json writes (the enum's JSON name), which the console and the report print.</summary>
public static class RunStatusLabel
{
    /// <summary>"running", "completed", "diverged", "interrupted" or "failed".</summary>
    public static string Label(this RunStatus status) => EnumJsonName.Of(status);
}
