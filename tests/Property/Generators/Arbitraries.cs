using FsCheck;
using FsCheck.Fluent;
using Norms.Property.Tests.Models;
using Norms.Property.Tests.Reliability;

namespace Norms.Property.Tests.Generators;

// Arbitrary classes for [Property(Arbitrary = new[] { typeof(...) })]: each one gives the generator that a property
// draws its parameter from, for that parameter's type. Like Props.ForAll (Arb.From), none of them shrinks.

/// <summary><see cref="NormCase"/>s, one class for each family of shapes a property needs.</summary>
public static class NormCases
{
    /// <summary>Any case (<see cref="NormGenerators.Cases()"/>).</summary>
    public static class Any
    {
        public static Arbitrary<NormCase> Cases() => Arb.From(NormGenerators.Cases());
    }

    /// <summary>Cases where every pooled group of every norm holds at least 2 values (<see cref="NormGenerators.SpatialCases"/>).</summary>
    public static class Spatial
    {
        public static Arbitrary<NormCase> Cases() => Arb.From(NormGenerators.SpatialCases);
    }

    /// <summary>Spatial cases with eps = 0 (<see cref="NormGenerators.EpsFreeCases"/>).</summary>
    public static class EpsFree
    {
        public static Arbitrary<NormCase> Cases() => Arb.From(NormGenerators.EpsFreeCases);
    }

    /// <summary>Cases with a single value per channel (N = H = W = 1), where BatchNorm cannot train.</summary>
    public static class SingleValuePerChannel
    {
        public static Arbitrary<NormCase> Cases() =>
            Arb.From(NormGenerators.Cases(NormGenerators.Shapes().Select(s => s with { N = 1, H = 1, W = 1 })));
    }

    /// <summary>Cases BatchNorm can train on with at most 48 values: few enough for finite differences of each one.</summary>
    public static class SmallTrainable
    {
        public static Arbitrary<NormCase> Cases() =>
            Arb.From(NormGenerators.Cases(NormGenerators.BatchTrainableShapes.Where(s => s.Count <= 48)));
    }
}

/// <summary>Random valid model specs with what they must infer (<see cref="RandomSpecs.Valid"/>, default size).</summary>
public static class ValidSpecs
{
    public static Arbitrary<GeneratedSpec> Specs() => RandomSpecs.Valid();
}

/// <summary>One to four random corruptions of a file (<see cref="Fuzz.Mutations"/>).</summary>
public static class FuzzMutations
{
    public static Arbitrary<Mutation[]> Mutations() => Arb.From(Fuzz.Mutations);
}
