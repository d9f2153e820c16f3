namespace Norms.Data;

/// <summary>
/// Hands freed managed memory back to the operating system at the few points where a large, short-lived buffer
/// (a decompressed dataset, a train split no longer needed) has just become garbage. Left to itself the collector
/// would run later, after the next large allocation had stacked on top, and that stacking was the peak RSS of `all`.
/// </summary>
public static class HeapCompaction
{
    public static void ReturnFreedMemory() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
