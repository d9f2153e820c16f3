using Norms.Data;
using Norms.Models;
using Norms.Training;

namespace Norms.Property.Tests.Models;

/// <summary>`crop_padding`: CIFAR-10's crop padding, 0 = flip only; refused elsewhere with one error naming the field;
/// left out of the canonical JSON when not given (so every existing run keeps its id); and what the run trains with.</summary>
public sealed class CropPaddingTests
{
    /// <summary>cifar10-bn without its own crop_padding (the built-in's is 0, the flip alone: cifar10-recipe's pick).</summary>
    private static ExperimentSpec Cifar => BuiltInExperiments.Find("cifar10-bn")! with { CropPadding = null };

    private static IReadOnlyList<SpecError> Errors(ExperimentSpec spec) => ExperimentSpecValidation.Validate(spec);

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(8)]
    public void Cifar10_with_augmentation_takes_0_to_8_and_trains_with_that_padding_and_the_flip(int padding)
    {
        var spec = Cifar with { CropPadding = padding };
        Assert.Empty(Errors(spec));
        Assert.Equal(new Augmentation.RandomCropFlip(padding, 0.5), TrainingAugmentation.For(spec, "cifar10"));
        var parsed = ExperimentSpecJson.Parse(ExperimentSpecJson.Serialize(spec));
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.Equal(padding, parsed.Value!.CropPadding);
    }

    [Fact]
    public void Left_out_it_is_the_datasets_own_and_absent_from_the_json()
    {
        // The built-in sets it: the flip alone, and the JSON says so.
        Assert.Equal(new Augmentation.RandomCropFlip(0, 0.5), TrainingAugmentation.For(BuiltInExperiments.Find("cifar10-bn")!, "cifar10"));
        Assert.Contains("\"crop_padding\": 0", ExperimentSpecJson.Serialize(BuiltInExperiments.Find("cifar10-bn")!));
        Assert.DoesNotContain("crop_padding", ExperimentSpecJson.Serialize(Cifar));
        Assert.Equal(Augmentation.Cifar10, TrainingAugmentation.For(Cifar, "cifar10"));
        Assert.Equal(Augmentation.Mnist, TrainingAugmentation.For(BuiltInExperiments.Find("mnist-bn")!, "mnist"));
        Assert.Equal(new Augmentation.None(), TrainingAugmentation.For(Cifar with { Augmentation = false }, "cifar10"));
    }

    [Theory]
    [InlineData("mnist-bn", true, 2)]
    [InlineData("cifar10-bn", false, 2)]
    [InlineData("cifar10-bn", true, 9)]
    [InlineData("cifar10-bn", true, -1)]
    public void Anywhere_else_it_is_one_error_at_its_path(string experiment, bool augmentation, int padding)
    {
        var spec = BuiltInExperiments.Find(experiment)! with { Augmentation = augmentation, CropPadding = padding };
        Assert.Equal("$.crop_padding", Assert.Single(Errors(spec)).Path);
    }

    [Fact]
    public void Switching_augmentation_off_over_the_built_in_names_the_fix()
    {
        var error = Assert.Single(Errors(BuiltInExperiments.Find("cifar10-bn")! with { Augmentation = false }));
        Assert.Equal("$.crop_padding", error.Path);
        Assert.Contains("\"crop_padding\": null", error.Message);
    }
}
