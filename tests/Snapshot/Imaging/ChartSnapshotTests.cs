using Norms.Reports.Imaging;
using Shouldly;
using Xunit;

namespace Norms.Snapshot.Tests.Imaging;

/// <summary>What a person reads in a report: the SVG text of a line chart and a confusion heat map from fixed data.</summary>
public sealed class ChartSnapshotTests
{
    private static double[] Epochs(int n) => Enumerable.Range(1, n).Select(i => (double)i).ToArray();

    [Fact]
    public void Line_chart_of_training_loss()
    {
        var spec = new LineChartSpec("Training loss, MNIST", "epoch", "cross-entropy loss",
        [
            new ChartSeries("batch norm", Epochs(10), [0.412, 0.151, 0.108, 0.087, 0.074, 0.066, 0.059, 0.054, 0.050, 0.047]),
            new ChartSeries("group norm (8)", Epochs(10), [0.538, 0.187, 0.129, 0.101, 0.086, 0.077, 0.069, 0.064, 0.059, 0.055]),
            new ChartSeries("layer norm", Epochs(10), [0.611, 0.224, 0.152, 0.121, 0.102, 0.090, double.NaN, 0.075, 0.070, 0.066]),
            new ChartSeries("none", Epochs(10), [0.902, 0.311, 0.201, 0.158, 0.134, 0.118, 0.106, 0.098, 0.091, 0.086]),
        ]);
        LineChart.Render(spec).ShouldMatchApproved(c => c.SubFolder("approved").WithFileExtension("svg").NoDiff());
    }

    [Fact]
    public void Confusion_heat_map_of_cifar10()
    {
        string[] names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
        // A plausible matrix: mostly diagonal, cat/dog and automobile/truck confused, one empty-ish row pattern.
        var counts = new long[10][];
        for (var t = 0; t < 10; t++)
        {
            counts[t] = new long[10];
            for (var p = 0; p < 10; p++) counts[t][p] = (t * 7 + p * 3) % 11 < 2 ? (t + p) % 9 : 0;
            counts[t][t] = 700 + 25 * t;
        }
        counts[3][5] = 142;
        counts[5][3] = 118;
        counts[1][9] = 61;
        counts[9][1] = 47;
        var svg = ConfusionHeatMap.Render("Confusion matrix, CIFAR-10 test set", names, counts.Select(r => (IReadOnlyList<long>)r).ToArray());
        svg.ShouldMatchApproved(c => c.SubFolder("approved").WithFileExtension("svg").NoDiff());
    }
}
