using Norms.Torch;

namespace Norms.Models;

/// <summary>What every module of one model is built with: where its tensors live, how its 4-d tensors are laid out
/// in memory, whether ReLU + dropout run as the fused kernel, whether small 3x3 convolutions run on the shim's direct
/// kernels (<see cref="Functional.Conv3x3"/>), the model's own generator for initialization, and the
/// model's dropout streams.</summary>
internal sealed record ModuleBuild(Device Device, bool ChannelsLast, bool Fused, bool DirectConvolutions, Generator Init, DropoutSource Dropout);
