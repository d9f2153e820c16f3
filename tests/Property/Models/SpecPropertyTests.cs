using FsCheck;
using FsCheck.Fluent;
using Norms.Models;
using Xunit;

namespace Norms.Property.Tests.Models;

public class SpecPropertyTests
{
    [Property(Arbitrary = new[] { typeof(Generators.ValidSpecs) })]
    public bool Random_valid_specs_pass_with_the_expected_shape_and_parameters(GeneratedSpec g)
    {
        var analysis = ShapeInference.Analyze(g.Spec);
        return analysis.Errors.Count == 0
            && analysis.OutputShape!.SequenceEqual([g.Spec.Classes])
            && analysis.TotalParams == g.ExpectedParams;
    }

    public enum Mutation { WrongInChannels, GroupsDoNotDivide, DropoutOne, KernelTooLarge }

    [Fact]
    public void Random_invalid_specs_are_rejected_at_the_broken_layer()
    {
        var cases =
            from g in RandomSpecs.Valid().Generator.Where(g => g.BlockIndices.Count > 0)
            from pick in Gen.Choose(0, 1000)
            from mutation in Gen.Elements(Enum.GetValues<Mutation>())
            select (g, pick, mutation);
        Prop.ForAll(cases.ToArbitrary(), t =>
        {
            var (g, pick, mutation) = t;
            var index = g.BlockIndices[pick % g.BlockIndices.Count];
            var block = (Block)g.Spec.Layers[index];
            var before = ShapeInference.Analyze(g.Spec).Layers.Single(l => l.Path == (block.Name ?? $"layers[{index}]") + ".conv");
            var (broken, expectedPath) = mutation switch
            {
                Mutation.WrongInChannels => (block with { Conv = block.Conv with { In = block.Conv.In + 1 } }, ".conv"),
                Mutation.GroupsDoNotDivide => (block with { Norm = new GroupNorm(Groups: block.Conv.Out + 1) }, ".norm"),
                Mutation.DropoutOne => (block with { Dropout = 1.0 }, ".dropout"),
                _ => (block with { Conv = block.Conv with { Kernel = 1000, Padding = 0 } }, ".conv"),
            };
            var layers = g.Spec.Layers.ToList();
            layers[index] = broken;
            var errors = ModelValidation.Validate(g.Spec with { Layers = new(layers) });
            var path = (block.Name ?? $"layers[{index}]") + expectedPath;
            return (errors.Count > 0 && errors.All(e => e.Path == path)).Label($"{mutation} at {path}: {string.Join(" | ", errors)} (conv was {before.OutputShape})");
        }).QuickCheckThrowOnFailure();
    }
}
