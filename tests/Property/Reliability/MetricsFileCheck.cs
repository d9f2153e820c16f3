using Norms.Training;
using Xunit;

namespace Norms.Property.Tests.Reliability;

/// <summary>What a metrics.csv left behind by an interrupted or failing run must be: the whole header, then whole rows.</summary>
internal static class MetricsFileCheck
{
    public static void IsWhole(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.Equal(RunFolder.MetricsCsv([]).TrimEnd('\n'), lines[0]);
        Assert.All(lines.Skip(1), l => Assert.Equal(lines[0].Split(',').Length, l.Split(',').Length));
    }
}
