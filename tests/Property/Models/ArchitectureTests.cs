using Norms.Models;
using Xunit;

namespace Norms.Property.Tests.Models;

public class ArchitectureTests
{
    // ARCHITECTURES.md: 7,786 conv + 160 affine; 41,840 conv + 416 affine. nn.LayerNorm's affine is per
    // element (2*C*H*W per block); InstanceNorm has no affine by default, so only the convs count.
    [Theory]
    [InlineData("mnist8k", "bn", 7_946)]
    [InlineData("mnist8k", "gn", 7_946)]
    [InlineData("mnist8k", "ln", 7_946)]
    [InlineData("mnist8k", "layernorm", 41_642)]
    [InlineData("mnist8k", "in", 7_786)]
    [InlineData("mnist8k", "none", 7_786)]
    [InlineData("cifar50k", "bn", 42_256)]
    [InlineData("cifar50k", "gn", 42_256)]
    [InlineData("cifar50k", "ln", 42_256)]
    [InlineData("cifar50k", "layernorm", 172_912)]
    [InlineData("cifar50k", "in", 41_840)]
    [InlineData("cifar50k", "none", 41_840)]
    public void Parameter_counts_are_exact(string model, string norm, long expected)
    {
        var spec = Architectures.ByName(model, Architectures.NormFor(model, norm)!)!;
        var analysis = ShapeInference.Analyze(spec);
        Assert.Empty(analysis.Errors);
        Assert.Equal(expected, analysis.TotalParams);
        Assert.Equal([10], analysis.OutputShape!);
    }

    [Fact]
    public void Mnist8k_shapes_follow_the_table()
    {
        var rows = ShapeInference.Analyze(Architectures.Mnist8k(new BatchNorm())).Layers;
        int[] Shape(string module) => [.. rows.Single(r => r.ModuleName == module).OutputShape!];
        Assert.Equal([8, 28, 28], Shape("features.0"));
        Assert.Equal([8, 28, 28], Shape("features.1"));
        Assert.Equal([8, 14, 14], Shape("features.2"));
        Assert.Equal([12, 12, 12], Shape("features.3"));
        Assert.Equal([12, 6, 6], Shape("features.6"));
        Assert.Equal([16, 4, 4], Shape("features.7"));
        Assert.Equal([16, 1, 1], Shape("head.0"));
        Assert.Equal([24, 1, 1], Shape("head.1"));
        Assert.Equal([10, 1, 1], Shape("head.2"));
        Assert.Equal(16 * 24 + 24, rows.Single(r => r.ModuleName == "head.1").Params);
        // GroupNorm with groups of two: a 12-channel block has 6 groups, so all widths divide.
        Assert.Empty(ModelValidation.Validate(Architectures.Mnist8k(new GroupNorm(ChannelsPerGroup: 2))));
    }

    [Fact]
    public void Cifar50k_shapes_follow_the_table()
    {
        var rows = ShapeInference.Analyze(Architectures.Cifar50k(new GroupNorm(Groups: 4))).Layers;
        int[] Shape(string module) => [.. rows.Single(r => r.ModuleName == module).OutputShape!];
        Assert.Equal([16, 32, 32], Shape("c1"));
        Assert.Equal([24, 32, 32], Shape("c2"));
        Assert.Equal([16, 32, 32], Shape("t1"));
        Assert.Equal([16, 16, 16], Shape("3"));
        Assert.Equal([24, 16, 16], Shape("c5"));
        Assert.Equal([16, 8, 8], Shape("9"));
        Assert.Equal([32, 8, 8], Shape("c8"));
        Assert.Equal([32, 1, 1], Shape("14"));
        Assert.Equal([10, 1, 1], Shape("head"));
        Assert.Equal(24 * 24 * 9, rows.Single(r => r.ModuleName == "c4.0").Params);
        Assert.Equal(2 * 24, rows.Single(r => r.ModuleName == "c4.1").Params);
    }

    [Fact]
    public void Specs_have_value_equality()
    {
        Assert.Equal(Architectures.Cifar50k(new BatchNorm()), Architectures.Cifar50k(new BatchNorm()));
        Assert.Equal(Architectures.Cifar50k(new BatchNorm()).GetHashCode(), Architectures.Cifar50k(new BatchNorm()).GetHashCode());
        Assert.NotEqual(Architectures.Cifar50k(new BatchNorm()), Architectures.Cifar50k(new BatchNorm(), 0.1));
        Assert.NotEqual(Architectures.Mnist8k(new BatchNorm()), Architectures.Mnist8k(new GroupNorm(ChannelsPerGroup: 2)));
    }

    [Fact]
    public void Norm_names_map_to_the_models_grouping()
    {
        Assert.Equal(new GroupNorm(ChannelsPerGroup: 2), Architectures.NormFor("mnist8k", "gn"));
        Assert.Equal(new GroupNorm(Groups: 4), Architectures.NormFor("cifar50k", "gn"));
        Assert.Equal(new GroupLayerNorm(), Architectures.NormFor("cifar50k", "ln"));
        Assert.Null(Architectures.NormFor("cifar50k", "xx"));
        Assert.Null(Architectures.NormFor("resnet", "bn"));
    }
}
