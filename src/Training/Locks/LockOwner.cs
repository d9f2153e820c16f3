using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Norms.Training;

/// <summary>
/// Who holds a run.lock: the machine (<see cref="Host"/>, and <see cref="BootId"/>, the kernel's id of this boot), the
/// process (<see cref="PidNamespace"/> and <see cref="Pid"/>: a process id means something only within its namespace,
/// and in containers every worker may be process 1), a <see cref="Token"/> unique to the claim (so runs inside one
/// process, and a later process that got the same id, are told apart) and the <see cref="Heartbeat"/>, the owner's clock
/// when it last said it was alive.
/// </summary>
public sealed record LockOwner(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("boot_id")] string BootId,
    [property: JsonPropertyName("pid_namespace")] string PidNamespace,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("heartbeat")] DateTimeOffset Heartbeat)
{
    /// <summary>Whether <paramref name="other"/> is in this owner's process namespace on the same boot of the same machine:
    /// only then does a process id say whether the owner lives.</summary>
    public bool SharesProcessesWith(LockOwner other) =>
        Host == other.Host && BootId == other.BootId && PidNamespace == other.PidNamespace;

    public string Describe(DateTimeOffset now) =>
        $"process {Pid.ToString(CultureInfo.InvariantCulture)} on {Host}" +
        (Heartbeat == DateTimeOffset.MinValue ? "" : $", alive {Math.Max(0, (now - Heartbeat).TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)} s ago");

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";

    /// <summary>The owner a lock file's text names, or null when it is garbled (a write cut short). A bare process id, the
    /// lock of Norms before the heartbeat, is read as a process of <paramref name="here"/>'s namespace that never beat.</summary>
    public static LockOwner? Parse(string text, LockOwner here)
    {
        var trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var legacyPid))
            return here with { Pid = legacyPid, Token = "", Heartbeat = DateTimeOffset.MinValue };
        try
        {
            return JsonSerializer.Deserialize<LockOwner>(trimmed, Options) is { Host: not null, BootId: not null, PidNamespace: not null, Token: not null } owner ? owner : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
