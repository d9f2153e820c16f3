namespace Norms.Property.Tests.Studies;

/// <summary>The four-run study the shard and shared-folder tests train: BN and GN × 2 seeds, 1 epoch at batch 32.</summary>
internal static class PairStudy
{
    public const string Name = "pair";

    /// <summary>Writes the spec into <paramref name="folder"/>; returns its path.</summary>
    public static string Write(string folder)
    {
        var file = Path.Combine(folder, "pair.json");
        File.WriteAllText(file, """
            { "name": "pair", "base": "mnist-bn",
              "axes": { "norm": [{"kind": "batch"}, {"kind": "group", "channels_per_group": 2}] },
              "seeds": 2, "overrides": { "epochs": 1, "batch_size": 32 } }
            """);
        return file;
    }
}
