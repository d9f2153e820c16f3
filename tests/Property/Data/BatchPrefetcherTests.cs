using FsCheck;
using FsCheck.Fluent;
using Norms.Data;
using Norms.Property.Tests.Generators;
using Xunit;

namespace Norms.Property.Tests.Data;

/// <summary>
/// The prefetcher must hand out exactly what building each batch in place would: same contents for every step,
/// in order or not, with the worker's timing varied, and failures reported by the Take that asks for that batch.
/// </summary>
public sealed class BatchPrefetcherTests
{
    private const int BatchSize = 3, PixelsPerImage = 4;

    // A batch's content is a function of its step alone, like the real BatchBuilder (keyed by seed, epoch, step).
    private static int FillStep(int step, float[] pixels, long[] labels)
    {
        var n = step % BatchSize + 1;
        for (var i = 0; i < n * PixelsPerImage; i++) pixels[i] = step * 100 + i;
        for (var i = 0; i < n; i++) labels[i] = step * 10 + i;
        return n;
    }

    private static (float[] Pixels, long[] Labels) Expected(int step)
    {
        var pixels = new float[BatchSize * PixelsPerImage];
        var labels = new long[BatchSize];
        var n = FillStep(step, pixels, labels);
        return (pixels[..(n * PixelsPerImage)], labels[..n]);
    }

    [Fact]
    public void HandsOutWhatBuildingInPlaceWouldForAnyOrderOfRequests()
    {
        var cases =
            from steps in Gen.Choose(1, 12)
            from requests in Gen.ListOf(Gen.Choose(0, steps - 1)).Select(r => r.ToArray())
            from sequential in Gen.Elements(true, false)
            from delayMs in Gen.Elements(0, 1)
            select (steps, requests: sequential ? Enumerable.Range(0, steps).ToArray() : requests, delayMs);
        Props.ForAll(cases, c =>
        {
            using var prefetcher = new BatchPrefetcher(c.steps, BatchSize, PixelsPerImage, (step, pixels, labels) =>
            {
                if (c.delayMs > 0) Thread.Sleep(c.delayMs); // the worker finishes after the caller asks, sometimes
                return FillStep(step, pixels, labels);
            });
            foreach (var step in c.requests)
            {
                var (pixels, labels, count) = prefetcher.Take(step);
                var expected = Expected(step);
                Assert.Equal(expected.Labels.Length, count);
                Assert.Equal(expected.Pixels, pixels[..(count * PixelsPerImage)]);
                Assert.Equal(expected.Labels, labels[..count]);
            }
        }, maxTest: 40);
    }

    [Fact]
    public void AFailureBuildingABatchIsThrownByTheTakeThatAsksForIt()
    {
        using var prefetcher = new BatchPrefetcher(4, BatchSize, PixelsPerImage, (step, pixels, labels) =>
            step == 2 ? throw new InvalidDataException("batch 2 is corrupt") : FillStep(step, pixels, labels));
        prefetcher.Take(0);
        prefetcher.Take(1); // batch 2 is being built (and fails) in the background; nothing is thrown yet
        var error = Assert.Throws<InvalidDataException>(() => prefetcher.Take(2));
        Assert.Equal("batch 2 is corrupt", error.Message);
    }

    [Fact]
    public void DisposeWaitsForTheBatchInFlight()
    {
        var finished = 0;
        var prefetcher = new BatchPrefetcher(3, BatchSize, PixelsPerImage, (step, pixels, labels) =>
        {
            if (step == 1) Thread.Sleep(200);
            var n = FillStep(step, pixels, labels);
            Interlocked.Increment(ref finished);
            return n;
        });
        prefetcher.Take(0);
        prefetcher.Dispose();
        Assert.Equal(2, Volatile.Read(ref finished)); // step 0 in place, step 1 on the worker, awaited by Dispose
    }

    [Fact]
    public void RejectsStepsOutsideTheEpoch()
    {
        using var prefetcher = new BatchPrefetcher(2, BatchSize, PixelsPerImage, FillStep);
        Assert.Throws<ArgumentOutOfRangeException>(() => prefetcher.Take(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => prefetcher.Take(-1));
    }
}
