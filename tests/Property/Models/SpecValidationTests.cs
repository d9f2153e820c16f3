using Norms.Models;
using Xunit;

namespace Norms.Property.Tests.Models;

public class SpecValidationTests
{
    [Fact]
    public void Every_error_is_reported_with_its_layer_path()
    {
        var spec = Architectures.Mnist8k(new GroupNorm(Groups: 3), dropout: 1.0);
        var errors = ModelValidation.Validate(spec);
        Assert.Contains(errors, e => e.Path == "dropout" && e.Message.Contains("[0, 1)"));
        // 3 groups divide the 12-channel blocks but not the 8- and 16-channel ones.
        Assert.Equal(["features[0].norm", "features[1].norm", "features[7].norm"],
            errors.Where(e => e.Message.Contains("does not divide")).Select(e => e.Path));
        Assert.Contains(errors, e => e.Path == "features[0].norm" && e.Message == "groups 3 does not divide 8 channels; use 1, 2, 4 or 8");
    }

    [Fact]
    public void Channel_mismatch_names_the_conv()
    {
        var spec = Architectures.Cifar50k(new BatchNorm());
        var layers = spec.Layers.ToList();
        layers[5] = new Block(new Conv(16, 24, 3, 1)) { Name = "c4" };
        var errors = ModelValidation.Validate(spec with { Layers = new(layers) });
        var error = Assert.Single(errors);
        Assert.Equal("c4.conv", error.Path);
        Assert.Contains("expects 16 input channels but receives 24", error.Message);
    }

    [Fact]
    public void Residual_shape_mismatch_and_unknown_source_are_reported()
    {
        var spec = Architectures.Cifar50k(new BatchNorm());
        var layers = spec.Layers.ToList();
        layers[7] = new ResidualAdd("c2");       // 24x32x32 added to 24x16x16
        layers[13] = new ResidualAdd("nowhere");
        var errors = ModelValidation.Validate(spec with { Layers = new(layers) });
        Assert.Equal(["layers[7]", "layers[13]"], errors.Select(e => e.Path));
        Assert.Contains("shapes must match", errors[0].Message);
        Assert.Contains("use one of c1, c2", errors[1].Message);
    }

    [Fact]
    public void Spatial_size_reaching_zero_is_reported_once()
    {
        var spec = Architectures.Mnist8k(new BatchNorm());
        var features = (Sequential)spec.Layers[0];
        var layers = features.Layers.ToList();
        layers.Insert(3, new MaxPool(8));         // 14x14 -> 1x1, then a 3x3 conv without padding fails
        var errors = ModelValidation.Validate(spec with { Layers = [features with { Layers = new(layers) }, .. spec.Layers.Skip(1)] });
        var error = Assert.Single(errors);
        Assert.Equal("features[4].conv", error.Path);
        Assert.Contains("reaches 0", error.Message);
    }

    [Fact]
    public void Head_must_be_last_and_match_the_classes()
    {
        var spec = Architectures.Cifar50k(new BatchNorm());
        Assert.Contains(ModelValidation.Validate(spec with { Classes = 7 }), e => e.Path == "layers[16]" && e.Message.Contains("7 classes"));
        Assert.Contains(ModelValidation.Validate(spec with { Layers = new(spec.Layers.Take(16)) }), e => e.Path == "layers" && e.Message.Contains("must end with"));
        var noGap = spec.Layers.Where(l => l is not GlobalAvgPool).ToList();
        Assert.Contains(ModelValidation.Validate(spec with { Layers = new(noGap) }), e => e.Path == "layers[15]" && e.Message.Contains("GlobalAvgPool"));
    }

    [Fact]
    public void Regularization_and_block_overrides_are_checked()
    {
        var spec = Architectures.Cifar50k(new BatchNorm()) with { Regularization = new Regularization(-1, double.NaN) };
        var layers = spec.Layers.ToList();
        layers[0] = ((Block)layers[0]) with { Dropout = -0.5, Norm = new BatchNorm(Momentum: 2) };
        var errors = ModelValidation.Validate(spec with { Layers = new(layers) });
        Assert.Equal(["regularization.l1", "regularization.l2", "c1.norm", "c1.dropout"], errors.Select(e => e.Path));
    }
}
