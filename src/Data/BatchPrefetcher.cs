namespace Norms.Data;

/// <summary>
/// Builds the next training batch on a worker thread while the engine trains on the current one, so decoding,
/// augmentation and normalisation overlap the step instead of adding to it. Two buffers alternate: batch k is
/// handed out from one while batch k + 1 is written into the other. Each batch is a pure function of its step
/// (the order and the augmentation's random numbers are keyed by seed, epoch and step), so prefetching changes
/// no result, only when the work happens.
/// </summary>
public sealed class BatchPrefetcher : IDisposable
{
    /// <summary>Fills the batch of <c>step</c> into the buffers and returns how many images it holds.</summary>
    public delegate int Fill(int step, float[] pixels, long[] labels);

    private readonly Fill fill;
    private readonly int steps;
    private readonly (float[] Pixels, long[] Labels)[] buffers;
    private Task<int>? pending;
    private int pendingStep = -1;

    public BatchPrefetcher(int steps, int batchSize, int pixelsPerImage, Fill fill)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.steps = steps;
        this.fill = fill;
        buffers = [(new float[batchSize * pixelsPerImage], new long[batchSize]), (new float[batchSize * pixelsPerImage], new long[batchSize])];
    }

    /// <summary>
    /// The batch of <paramref name="step"/>, then starts building step + 1. The returned arrays stay valid until the
    /// call after next; a failure while building a batch is thrown here, by the call that asks for that batch.
    /// </summary>
    public (float[] Pixels, long[] Labels, int Count) Take(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, steps);
        var buffer = buffers[step % 2];
        int count;
        if (pending is not null && pendingStep == step)
        {
            var task = pending;
            pending = null;
            count = task.GetAwaiter().GetResult();
        }
        else
        {
            Drain(); // out of sequence: whatever was being built is not wanted, and it may be writing into `buffer`
            count = fill(step, buffer.Pixels, buffer.Labels);
        }
        if (step + 1 < steps)
        {
            var next = buffers[(step + 1) % 2];
            var nextStep = step + 1;
            pendingStep = nextStep;
            pending = Task.Run(() => fill(nextStep, next.Pixels, next.Labels));
        }
        return (buffer.Pixels, buffer.Labels, count);
    }

    /// <summary>Waits for a batch still being built, so no worker outlives the epoch; its result or failure is not wanted.</summary>
    public void Dispose() => Drain();

    private void Drain()
    {
        var task = pending;
        pending = null;
        pendingStep = -1;
        if (task is null) return;
        try { task.Wait(); }
        catch (AggregateException) { } // a batch nobody asked for failed; the caller is leaving or starting over
    }
}
