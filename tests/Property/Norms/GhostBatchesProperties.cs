using FsCheck;
using FsCheck.Fluent;
using Norms.Property.Tests.Generators;
using Norms.Reference;
using Xunit;

namespace Norms.Property.Tests.Norms;

/// <summary>Ghost batch norm's partition (<see cref="GhostBatches"/>), its validation, and the oracle's own copy of the
/// rule agreeing with it.</summary>
public sealed class GhostBatchesProperties
{
    private static Gen<(int N, int K)> Batches =>
        from n in Gen.Frequency((4, Gen.Choose(1, 64)), (1, Gen.Choose(65, 5000)))
        from k in Gen.Frequency((4, Gen.Choose(2, 16)), (1, Gen.Choose(2, 6000)))
        select (n, k);

    [Fact]
    public void Groups_are_consecutive_cover_the_batch_and_have_the_rules_sizes() =>
        Props.ForAll(Batches, t =>
        {
            var (n, k) = t;
            var groups = GhostBatches.Partition(n, k);
            Assert.Equal(0, groups[0].Start);
            Assert.Equal(n, groups[^1].End);
            for (var i = 1; i < groups.Length; i++)
                Assert.Equal(groups[i - 1].End, groups[i].Start);
            var sizes = groups.Select(g => g.End - g.Start).ToArray();
            if (n >= 2)
                Assert.All(sizes, s => Assert.True(s >= 2, $"a group of {s} in n {n}, k {k}"));
            if (n <= k)
            {
                Assert.Equal([n], sizes);
                return;
            }
            Assert.All(sizes[..^1], s => Assert.Equal(k, s));
            var last = sizes[^1];
            Assert.True(last == k || last == k + 1 || (last >= 2 && last < k), $"last group {last}, n {n}, k {k}");
            // The last group's size says which remainder it took.
            Assert.Equal((n % k) switch { 0 => k, 1 => k + 1, var r => r }, last);
            Assert.Equal(n / k + (n % k >= 2 ? 1 : 0), groups.Length);
        }, maxTest: 500);

    [Fact]
    public void The_oracles_own_partition_agrees_with_the_engines() =>
        Props.ForAll(Batches, t =>
            Assert.Equal(GhostBatches.Partition(t.N, t.K).Select(g => g.End - g.Start), ReferenceNorms.GhostGroupSizes(t.N, t.K)),
            maxTest: 500);

    [Theory]
    [InlineData(10, 4, new[] { 4, 4, 2 })]
    [InlineData(9, 4, new[] { 4, 5 })]
    [InlineData(8, 4, new[] { 4, 4 })]
    [InlineData(3, 4, new[] { 3 })]
    [InlineData(5, 2, new[] { 2, 3 })]
    [InlineData(1, 8, new[] { 1 })]
    public void Examples(int n, int k, int[] sizes) =>
        Assert.Equal(sizes, GhostBatches.Partition(n, k).Select(g => g.End - g.Start));

    [Theory]
    [InlineData(1, false)]
    [InlineData(0, false)]
    [InlineData(-3, false)]
    [InlineData(2, true)]
    [InlineData(1_000_000, true)]
    [InlineData(1_000_001, false)]
    public void Ghost_batch_is_validated_with_one_line_that_says_what_to_use(int k, bool valid)
    {
        var errors = NormValidation.Validate(new BatchNorm(GhostBatch: k), 8, 4, 4);
        if (valid)
        {
            Assert.Empty(errors);
            return;
        }
        var error = Assert.Single(errors);
        Assert.Equal("ghost_batch", error.Field);
        Assert.Equal($"ghost_batch must be in [2, 1,000,000] (samples per ghost batch), got {k}; use e.g. 8, or leave it out for the whole batch",
            error.Message);
    }
}
