using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using Norms.Reports.Imaging;
using Xunit;

namespace Norms.Property.Tests.Imaging;

public sealed class SvgChartTests
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    private static readonly Gen<string> Names = Gen.Elements("BatchNorm", "group <4>", "a & b", "\"quoted\"", "l2=1e-4", "épsilon", "x'y");

    private static readonly Gen<double> Values = Gen.Frequency(
        (8, Gen.Choose(-100000, 100000).Select(i => i / 1000.0)),
        (1, Gen.Elements(double.NaN, double.PositiveInfinity)),
        (1, Gen.Elements(0.0, 1e-9, 12345.678)));

    [Fact]
    public void Line_charts_are_well_formed_deterministic_xml_for_any_data()
    {
        var series = from name in Names from n in Gen.Choose(0, 30) from ys in Gen.ArrayOf(Values, n)
                     select new ChartSeries(name, Enumerable.Range(1, n).Select(i => (double)i).ToArray(), ys);
        var specs = from s in Gen.NonEmptyListOf(series) from title in Names select new LineChartSpec(title, "epoch", "loss <nats>", s.ToArray());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(specs.ToArbitrary(), spec =>
        {
            var svg = LineChart.Render(spec);
            var doc = XDocument.Parse(svg);
            Assert.Equal(SvgNs + "svg", doc.Root!.Name);
            Assert.Equal(spec.Series.Count, doc.Descendants(SvgNs + "path").Count());
            Assert.Equal(spec.Title, doc.Root.Element(SvgNs + "title")!.Value);
            Assert.DoesNotContain("NaN", svg);
            Assert.DoesNotContain("Infinity", svg);
            Assert.Equal(svg, LineChart.Render(spec));
        }));
    }

    [Fact]
    public void Legend_avoids_the_curves()
    {
        static (double X, double Y) LegendCorner(double[] ys)
        {
            var svg = LineChart.Render(new LineChartSpec("t", "epoch", "accuracy", [new ChartSeries("a", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ys)]));
            var rect = XDocument.Parse(svg).Descendants(SvgNs + "g").Single(g => (string?)g.Attribute("id") == "legend").Element(SvgNs + "rect")!;
            return ((double)rect.Attribute("x")!, (double)rect.Attribute("y")!);
        }
        var falling = LegendCorner([0.9, 0.5, 0.3, 0.2, 0.15, 0.12, 0.1, 0.09, 0.08, 0.07]);
        var rising = LegendCorner([0.1, 0.5, 0.7, 0.8, 0.85, 0.88, 0.9, 0.91, 0.92, 0.93]);
        Assert.True(falling.X > 360 && falling.Y < 100, $"falling curves: legend at {falling}");
        Assert.True(rising.X > 360 && rising.Y > 200, $"rising curves: legend at {rising}");
    }

    [Fact]
    public void Heat_maps_are_well_formed_and_show_every_nonzero_count()
    {
        var matrices = from k in Gen.Choose(1, 12) from cells in Gen.ArrayOf(Gen.Choose(0, 50), k * k) select (k, cells);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(matrices.ToArbitrary(), t =>
        {
            var (k, cells) = t;
            var names = Enumerable.Range(0, k).Select(i => i % 2 == 0 ? $"class {i}" : $"c<{i}>&").ToArray();
            var counts = Enumerable.Range(0, k).Select(r => (IReadOnlyList<long>)cells.Skip(r * k).Take(k).Select(c => (long)c).ToArray()).ToArray();
            var svg = ConfusionHeatMap.Render("confusion", names, counts);
            var doc = XDocument.Parse(svg);
            var cellGroup = doc.Descendants(SvgNs + "g").Single(g => (string?)g.Attribute("id") == "cells");
            Assert.Equal(k * k, cellGroup.Elements(SvgNs + "rect").Count());
            var shown = cellGroup.Elements(SvgNs + "text").Select(e => long.Parse(e.Value)).ToArray();
            var expected = Enumerable.Range(0, k * k).Where(i => cells[i] != 0 || i / k == i % k).Select(i => (long)cells[i]).ToArray();
            Assert.Equal(expected, shown);
        }));
    }

    [Fact]
    public void Nice_ticks_use_1_2_5_steps_and_cover_the_data()
    {
        var ranges = from a in Gen.Choose(-1_000_000, 1_000_000) from b in Gen.Choose(-1_000_000, 1_000_000) from scale in Gen.Choose(-6, 3) from max in Gen.Choose(2, 10)
                     select (a * Math.Pow(10, scale), b * Math.Pow(10, scale), max);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(ranges.ToArbitrary(), t =>
        {
            var (a, b, maxTicks) = t;
            var ticks = NiceTicks.For(a, b, maxTicks);
            var exponent = Math.Floor(Math.Log10(ticks.Step) + 1e-9);
            var mantissa = Math.Round(ticks.Step / Math.Pow(10, exponent), 9);
            Assert.Contains(mantissa, new[] { 1.0, 2.0, 5.0 });
            Assert.True(ticks.Min <= Math.Min(a, b) + 1e-9 * Math.Abs(ticks.Step));
            Assert.True(ticks.Max >= Math.Max(a, b) - 1e-9 * Math.Abs(ticks.Step));
            var values = ticks.Values;
            Assert.InRange(values.Count - 1, 1, maxTicks);
            var labels = values.Select(ticks.Label).ToArray();
            Assert.Equal(labels.Length, labels.Distinct().Count());
            Assert.DoesNotContain(labels, l => l == "-0" || l.StartsWith("-0.") && double.Parse(l, System.Globalization.CultureInfo.InvariantCulture) == 0);
        }));
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], NiceTicks.For(0, 1, 6).Values.Select(NiceTicks.For(0, 1, 6).Label));
        Assert.Equal(["0", "2", "4", "6", "8", "10"], NiceTicks.For(1, 10, 6).Values.Select(NiceTicks.For(1, 10, 6).Label));
    }
}
