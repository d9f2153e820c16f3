namespace Norms.Models;

/// <summary>The keys of dropout's random streams, derived from coordinates by SplitMix64 rounds: pure functions.</summary>
public static class DropoutStreams
{
    /// <summary>The stream of a run's epoch: every block derives its own from it (<see cref="ForLayer"/>).</summary>
    public static ulong ForEpoch(ulong seed, int epoch) => Mix(Mix(seed ^ 0x510e527fade682d1UL) ^ (ulong)epoch ^ 0x9b05688c2b3e6c1fUL);

    /// <summary>A block's stream, keyed by its module name ("features.3"), so blocks never share masks and a
    /// block's mask does not depend on how many blocks come before it.</summary>
    public static ulong ForLayer(ulong stream, string moduleName)
    {
        var h = 0xcbf29ce484222325UL; // FNV-1a over the name's UTF-16 units
        foreach (var c in moduleName) h = (h ^ c) * 0x100000001b3UL;
        return Mix(stream ^ Mix(h));
    }

    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
