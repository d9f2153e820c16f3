using System.Text;
using Norms.Results;
using Norms.Models;

namespace Norms.Reports;

/// <summary>report.md: a pure function of the model; pictures are linked by their paths relative to the report.</summary>
public static class ReportMarkdown
{
    public static string Render(ReportModel m)
    {
        var s = new StringBuilder();
        var n = m.Numbers;
        s.Append("# Norms report\n\n");
        s.Append($"{m.Experiments.Count} experiment{(m.Experiments.Count == 1 ? "" : "s")}: {string.Join(", ", m.Experiments.Select(e => e.Run.Name))}. ");
        s.Append($"Accuracies in percent ({n.AccuracyDecimals} decimal{(n.AccuracyDecimals == 1 ? "" : "s")}), losses as mean NLL per sample ({n.LossDecimals} decimals); ");
        s.Append("best values are over epochs.\n\n");
        foreach (var w in m.Warnings) s.Append($"> **WARNING: {Escape(w)}**\n>\n");
        if (m.Warnings.Count > 0) s.Length -= 2; // drop the last ">\n" separator
        if (m.Warnings.Count > 0) s.Append('\n');

        s.Append("## Results\n\n");
        Table(s, ReportTable.Header, m.Experiments.Select(e => ReportTable.Row(e, n)));
        s.Append('\n');
        foreach (var metric in CurveMetric.All) Image(s, metric.Title, ReportChartModels.Combined(m, metric));
        s.Append('\n');

        s.Append("## Analysis\n\n");
        if (m.Analysis.Count == 0) s.Append("No run has a completed epoch, so there is nothing to compare.\n");
        foreach (var sentence in m.Analysis) s.Append($"- {Escape(sentence)}\n");
        s.Append('\n');

        s.Append("## How these results were made\n\n");
        s.Append("Build and machine, one row per distinct combination:\n\n");
        Table(s, ReportProvenance.BuildHeader, m.Provenance.Build.Select(Cells));
        s.Append("\nEngine switches, one row per distinct combination:\n\n");
        Table(s, ReportProvenance.EngineHeader, m.Provenance.Engine.Select(Cells));
        s.Append('\n');

        s.Append("## Norms\n\n");
        foreach (var norm in m.Norms)
        {
            s.Append($"### {norm.Title}\n\n");
            s.Append($"Normalizes {Escape(norm.Pooling)}.\n\n");
            foreach (var sentence in norm.Sentences) s.Append(Escape(sentence)).Append('\n');
            s.Append('\n');
            Table(s, ["experiment", "dataset", "L1", "L2", "best test acc", "best test loss", "status"], norm.Experiments.Select(e => (IReadOnlyList<string>)
                [e.Run.Name, e.Run.Dataset, ReportNumbers.Factor(e.Run.L1), ReportNumbers.Factor(e.Run.L2), n.Acc(e.Run.BestTestAcc), n.Loss(e.Run.BestTestLoss),
                 e.Run.Status.Label()]));
            s.Append('\n');
        }

        s.Append("## Experiments\n\n");
        foreach (var e in m.Experiments)
        {
            s.Append($"### {e.Run.Name}\n\n");
            if (e.Problem is not null) s.Append($"> **WARNING: {Escape(e.Run.Name)} {Escape(e.Problem)}**\n\n");
            s.Append(Escape(Describe(e, n))).Append("\n\n");
            var charts = ReportChartModels.Of(e);
            Image(s, $"{e.Run.Name} curves", charts.Curves);
            s.Append('\n');
            if (charts.Confusion is { } confusion)
            {
                Image(s, $"{e.Run.Name} confusion matrix", confusion);
                s.Append('\n');
            }
            else s.Append("No confusion matrix was saved.\n\n");
            if (charts.Gallery is { } gallery)
            {
                s.Append($"Misclassified test images (first {gallery.Gallery.Tiles.Count} by test index; caption: predicted (true class)):\n\n");
                Image(s, $"{e.Run.Name} misclassified", gallery);
                s.Append('\n');
            }
            else s.Append("No misclassified images are shown (no test images loaded, or none misclassified).\n\n");
        }

        s.Append("## Architectures\n\n");
        foreach (var a in m.Architectures)
        {
            s.Append($"### {a.Model} (with {a.Norm})\n\n");
            s.Append($"Used by {string.Join(", ", a.Experiments)}; the parameter counts per norm are in the results table.\n\n");
            s.Append("```text\n").Append(a.Text.TrimEnd('\n')).Append("\n```\n\n");
        }

        s.Append("## Worked example: what each norm pools\n\n");
        s.Append($"The `explain` verb on a fixed tensor ({m.ExplainInput}):\n\n");
        s.Append("```text\n").Append(m.ExplainText.TrimEnd('\n')).Append("\n```\n");

        if (m.Notes.Count > 0)
        {
            s.Append("\n## Notes\n\n");
            foreach (var note in m.Notes) s.Append($"- {Escape(note)}\n");
        }
        return s.ToString();
    }

    /// <summary>One line about a run's setup and outcome.</summary>
    public static string Describe(ExperimentReport e, ReportNumbers n)
    {
        var r = e.Run;
        var last = e.Last;
        var text = $"{r.Model} with {r.Norm} on {r.Dataset} ({ReportNumbers.Count(r.TrainSamples)} train / {ReportNumbers.Count(r.TestSamples)} test images), " +
                   $"L1 {ReportNumbers.Factor(r.L1)}, L2 {ReportNumbers.Factor(r.L2)}, {Recipe(r)}seed {r.Seed}, augmentation {(r.Augmentation ? "on" : "off")}; " +
                   $"status {r.Status.Label()}, {r.Epochs.Count} epoch{(r.Epochs.Count == 1 ? "" : "s")}";
        if (r.BestEpoch is { } be) text += $", best test accuracy {n.Acc(r.BestTestAcc)} at epoch {be}";
        if (last is not null) text += $"; last epoch: train {n.Acc(last.TrainAcc)}, test {n.Acc(last.TestAcc)}";
        return text + ".";
    }

    // The optimizer and schedule that really ran (one-cycle's cycled momentum, not the optimizer's value), from the
    // saved spec; nothing when it does not read as an experiment.
    private static string Recipe(RunResult r) =>
        ExperimentSpecJson.Parse(r.Spec.ToJsonString()) is { IsValid: true, Value: { } spec }
            ? $"{RecipeText.Optimizer(spec)}, {RecipeText.Schedule(spec)}, " : "";

    /// <summary>A picture by its PNG, with a link to its SVG where it has one.</summary>
    private static void Image(StringBuilder s, string alt, ReportChart chart)
    {
        s.Append($"![{alt}]({chart.PngPath})");
        if (chart.HasSvg) s.Append($" [SVG]({chart.SvgPath})");
        s.Append('\n');
    }

    private static IReadOnlyList<string> Cells(ProvenanceRow row) => [string.Join(", ", row.Experiments), .. row.Cells];

    private static void Table(StringBuilder s, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        s.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
        s.Append('|').Append(string.Join("|", header.Select((_, i) => ReportTable.IsNumeric(i) && header.Count == ReportTable.Header.Count ? "---:" : "---"))).Append("|\n");
        foreach (var r in rows) s.Append("| ").Append(string.Join(" | ", r.Select(Escape))).Append(" |\n");
    }

    /// <summary>Markdown-significant characters in free text (messages, names) are escaped so they print as written.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '|' or '*' or '_' or '`' or '<' or '>' or '[' or ']' or '\\') sb.Append('\\');
            sb.Append(c == '\n' ? ' ' : c);
        }
        return sb.ToString();
    }
}
