using Norms.Torch;

namespace Norms.Engine.Tests;

/// <summary>A generator of one's own draws what torch.manual_seed(seed) makes the default one draw, and nothing else
/// moves it: what a model's initialization relies on to be the reference's and to be independent of other runs.</summary>
public sealed class GeneratorTests
{
    [Fact]
    public void Seeded_like_manual_seed_it_draws_the_default_generators_numbers()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(42);
        var expected = Tensor.Zeros([3, 1000]).UniformInPlace(-0.5, 0.5).ToArray<float>();
        using var generator = new Generator(42);
        var drawn = Tensor.Zeros([3, 1000]).UniformInPlace(-0.5, 0.5, generator).ToArray<float>();
        Assert.Equal(expected, drawn);
    }

    [Fact]
    public void Draws_from_the_default_generator_in_between_do_not_move_it()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var alone = new Generator(7);
        var a1 = Tensor.Zeros([500]).UniformInPlace(0, 1, alone).ToArray<float>();
        var a2 = Tensor.Zeros([500]).UniformInPlace(0, 1, alone).ToArray<float>();
        using var interrupted = new Generator(7);
        var b1 = Tensor.Zeros([500]).UniformInPlace(0, 1, interrupted).ToArray<float>();
        LibTorch.ManualSeed(7);
        Tensor.Randn([1000]);
        var b2 = Tensor.Zeros([500]).UniformInPlace(0, 1, interrupted).ToArray<float>();
        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
        Assert.NotEqual(a1, a2);
    }
}
