using Norms.Results;

namespace Norms.Training;

/// <summary>What a checkpoint's metadata says besides the tensors: the epochs done, the scheduler's step and the result so far.</summary>
public sealed record CheckpointInfo(int Epoch, long SchedulerStep, RunResult Result);
