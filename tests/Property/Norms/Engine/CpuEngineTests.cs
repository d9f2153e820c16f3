using Norms.Torch;
using Xunit;

namespace Norms.Property.Tests.Norms.Engine;

/// <summary>Engine-vs-oracle properties on the CPU.</summary>
public sealed class CpuEngineTests
{
    [Fact] public void Outputs_match_oracle() => EngineProperties.OutputsMatchOracle(Device.Cpu);
    [Fact] public void BatchNorm_running_statistics_match_oracle() => EngineProperties.BatchNormRunningStatisticsMatchOracle(Device.Cpu);
    [Fact] public void InstanceNorm_running_statistics_match_oracle() => EngineProperties.InstanceNormRunningStatisticsMatchOracle(Device.Cpu);
    [Fact] public void Gradients_match_oracle_and_finite_differences() => EngineProperties.GradientsMatchOracleAndFiniteDifferences(Device.Cpu);
    [Fact] public void Equivalent_norms_agree() => EngineProperties.EquivalentNormsAgree(Device.Cpu);
    [Fact] public void Impossible_configurations_fail_alike() => EngineProperties.ImpossibleConfigurationsFailAlikeOnBothSides(Device.Cpu);
}

/// <summary>The same properties on CUDA; skipped where libtorch sees no CUDA device.</summary>
public sealed class CudaEngineTests
{
    private static readonly Device Gpu = Device.Cuda(0);
    [CudaFact] public void Outputs_match_oracle() => EngineProperties.OutputsMatchOracle(Gpu);
    [CudaFact] public void BatchNorm_running_statistics_match_oracle() => EngineProperties.BatchNormRunningStatisticsMatchOracle(Gpu);
    [CudaFact] public void InstanceNorm_running_statistics_match_oracle() => EngineProperties.InstanceNormRunningStatisticsMatchOracle(Gpu);
    [CudaFact] public void Gradients_match_oracle_and_finite_differences() => EngineProperties.GradientsMatchOracleAndFiniteDifferences(Gpu);
    [CudaFact] public void Equivalent_norms_agree() => EngineProperties.EquivalentNormsAgree(Gpu);
    [CudaFact] public void Impossible_configurations_fail_alike() => EngineProperties.ImpossibleConfigurationsFailAlikeOnBothSides(Gpu);
}
