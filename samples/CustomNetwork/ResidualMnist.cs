using Norms.Models;

namespace Norms.Samples;

/// <summary>
/// The sample's network, written as records: a deeper MNIST net than Mnist8k, with two residual stages and a group norm
/// in one block (a per-block override of the model's batch norm). The experiment around it is the built-ins' recipe
/// (SGD with momentum, one-cycle, augmentation), so its result compares with theirs.
/// </summary>
public static class ResidualMnist
{
    public static NetworkSpec Network { get; } = new(
        new InputShape(1, 28, 28), 10,
        [
            new Block(new Conv(1, 8, Kernel: 3, Padding: 1)) { Name = "c1" },
            new Block(new Conv(8, 8, Kernel: 3, Padding: 1), Norm: new GroupNorm(ChannelsPerGroup: 2)) { Name = "c2" },
            new ResidualAdd("c1"),
            new MaxPool(2),
            new Block(new Conv(8, 16, Kernel: 3, Padding: 1)) { Name = "c3" },
            new Block(new Conv(16, 16, Kernel: 3, Padding: 1)) { Name = "c4" },
            new ResidualAdd("c3"),
            new MaxPool(2),
            new Block(new Conv(16, 16, Kernel: 3)) { Name = "c5" },
            new GlobalAvgPool(),
            new Conv(16, 10, Kernel: 1, Bias: true) { Name = "classifier" },
            new LogSoftmaxHead(),
        ],
        Norm: new BatchNorm(),
        Dropout: 0.03);

    public static ExperimentSpec Experiment(int epochs) => new(
        "mnist-residual", "mnist", new InlineModel(Network), new BatchNorm(),
        new Sgd(Lr: BuiltInExperiments.MnistMaxLr / 25, Momentum: 0.9), new OneCycle(BuiltInExperiments.MnistMaxLr),
        epochs, Augmentation: true);
}
