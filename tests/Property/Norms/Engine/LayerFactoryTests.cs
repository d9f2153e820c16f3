using Norms.Layers;
using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Norms.Engine;

public sealed class LayerFactoryTests
{
    public static TheoryData<NormSpec, string[], string[]> Specs => new()
    {
        { new BatchNorm(), ["weight", "bias"], ["running_mean", "running_var", "num_batches_tracked"] },
        { new BatchNorm(Affine: false, TrackRunningStats: false), [], [] },
        { new GroupNorm(Groups: 2), ["weight", "bias"], [] },
        { new GroupNorm(ChannelsPerGroup: 2), ["weight", "bias"], [] },
        { new GroupLayerNorm(), ["weight", "bias"], [] },
        { new LayerNorm(), ["weight", "bias"], [] },
        { new InstanceNorm(Affine: true, TrackRunningStats: true), ["weight", "bias"], ["running_mean", "running_var"] },
        { new InstanceNorm(), [], [] },
        { new NoNorm(), [], [] },
    };

    [Theory, MemberData(nameof(Specs))]
    public void New_layers_start_with_gamma_1_beta_0_running_mean_0_running_var_1(NormSpec spec, string[] parameters, string[] buffers)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var layer = NormLayers.Create(spec, 4, 3, 2);
        Assert.Equal(parameters, layer.NamedParameters().Select(p => p.Name));
        Assert.Equal(buffers, layer.NamedBuffers().Select(b => b.Name));
        foreach (var (name, t) in layer.StateDict())
        {
            var expected = name switch { "weight" or "running_var" => 1.0, _ => 0.0 };
            Assert.All(EngineTarget.Doubles(t), v => Assert.Equal(expected, v));
            Assert.Equal(name == "num_batches_tracked" ? ScalarType.Int64 : ScalarType.Float32, t.Dtype);
        }
        if (parameters.Length > 0)
            Assert.Equal(spec is LayerNorm ? [4L, 3, 2] : [4L], layer.NamedParameters().First().Tensor.Shape);
        Assert.True(layer.Training);
    }

    [Fact]
    public void NoNorm_is_the_identity_and_keeps_the_input_alive()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var layer = NormLayers.Create(new NoNorm(), 2, 2, 2);
        var x = Tensor.FromArray(new float[] { 1, -2, 3, 4, 5, 6, 7, 1e3f }, 1, 2, 2, 2);
        using (var y = layer.Forward(x))
            Assert.Equal(x.ToArray<float>(), y.ToArray<float>());
        Assert.False(x.IsDisposed);
    }

    [Fact]
    public void Invalid_specs_are_rejected_with_every_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => NormLayers.Create(new BatchNorm(Momentum: 2, Eps: -1), 4, 2, 2));
        Assert.Contains("eps", e.Message);
        Assert.Contains("momentum", e.Message);
        Assert.Equal(NormConfigurationProblem.GroupsDoNotDivideChannels,
            Assert.Throws<NormConfigurationException>(() => NormLayers.Create(new GroupNorm(ChannelsPerGroup: 3), 8, 2, 2)).Problem);
    }

    [Fact]
    public void Eval_mode_leaves_running_statistics_alone_and_training_mode_updates_them()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var layer = (BatchNormLayer)NormLayers.Create(new BatchNorm(), 1, 1, 1);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 4, 1, 1, 1);
        layer.Eval();
        layer.Forward(x);
        Assert.Equal([0.0], EngineTarget.Doubles(layer.RunningMean!));
        layer.Forward(x, training: true);
        Assert.Equal(0.25, EngineTarget.Doubles(layer.RunningMean!)[0], 6);
        Assert.Equal(1, layer.NumBatchesTracked!.ToInt64());
        Assert.False(layer.Training); // the explicit overload does not switch the module's mode
    }
}
