using System.Text.Json.Nodes;
using Norms.Models;

namespace Norms.Studies;

/// <summary>
/// One run of a study: its id (a stable hash of what it trains, <see cref="RunIdentity"/>), the axis values that
/// made it (in axis order), its seed and the fully resolved experiment it trains. Its folder is runs/&lt;id&gt;/.
/// </summary>
public sealed record StudyRun(string Id, IReadOnlyList<KeyValuePair<string, JsonNode?>> Axes, ulong Seed, ExperimentSpec Spec)
{
    /// <summary>The cell the run belongs to: its axis values without the seed, as canonical JSON (a dictionary key).</summary>
    public string CellKey => AxisJson.Canonical(Axes);

    /// <summary>The fields the study's derived rules set in this run, and their values (empty without rules).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Derived { get; init; } = [];
}
