using System.Text;
using Norms.Studies;

namespace Norms.Reports;

/// <summary>
/// A study's report in Markdown: the runs' statuses, the cells and comparisons tables and the sentences of
/// <see cref="StudyReportTables"/>, then the charts (<see cref="StudyChartModels"/>), each an image in charts/ beside the
/// report, dataset by dataset.
/// </summary>
public static class StudyReportMarkdown
{
    public static string Render(string name, StudySummary summary, IReadOnlyList<(string Id, string Status)> runs,
        StudyChartSet? charts = null, IReadOnlyList<string>? notes = null)
    {
        var s = new StringBuilder();
        s.Append($"# Study {name}\n\n");
        s.Append(StudyReportTables.StatusLine(runs)).Append("\n\n");

        s.Append("## Cells\n\n");
        s.Append(StudyReportTables.CellsIntro).Append("\n\n");
        Table(s, StudyReportTables.Cells(summary));
        s.Append('\n');

        if (StudyReportTables.Rungs(summary) is { } rungs)
        {
            s.Append("## ").Append(StudyReportTables.RungsTitle).Append("\n\n").Append(StudyReportTables.RungsIntro).Append("\n\n");
            Table(s, rungs);
            s.Append('\n');
        }

        if (StudyReportTables.Targets(summary) is { } targets)
        {
            s.Append("## Targets\n\n").Append(StudyReportTables.TargetsIntro).Append("\n\n");
            Table(s, targets);
            s.Append('\n');
        }

        s.Append("## Comparisons\n\n");
        if (summary.Comparisons.Count == 0) s.Append(StudyReportTables.NoComparisons).Append('\n');
        else
        {
            s.Append(StudyReportTables.ComparisonsIntro).Append("\n\n");
            Table(s, StudyReportTables.Comparisons(summary));
            s.Append("\n## What the comparisons say\n\n");
            foreach (var sentence in StudyReportTables.Sentences(summary)) s.Append("- ").Append(Escape(sentence)).Append('\n');
            if (StudyReportTables.McNemar(summary) is { } mcnemar)
            {
                s.Append("\n## McNemar, seed by seed\n\n").Append(StudyReportTables.McNemarIntro).Append("\n\n");
                Table(s, mcnemar);
            }
        }

        if (StudyReportTables.EvaluationModes(summary) is { } modes)
        {
            Section(s, StudyReportTables.EvaluationModesTitle);
            s.Append(StudyReportTables.EvaluationModesIntro).Append("\n\n");
            Table(s, modes);
            s.Append('\n');
            foreach (var sentence in StudyReportTables.EvaluationModeSentences(summary)) s.Append("- ").Append(Escape(sentence)).Append('\n');
        }

        if (charts is { Datasets.Count: > 0 }) Charts(s, charts);
        if (notes is { Count: > 0 })
        {
            Section(s, "Notes");
            foreach (var note in notes) s.Append("- ").Append(Escape(note)).Append('\n');
        }
        while (s.Length > 1 && s[^1] == '\n' && s[^2] == '\n') s.Length--;
        return s.ToString();
    }

    /// <summary>A "## title" heading after exactly one blank line.</summary>
    private static void Section(StringBuilder s, string title)
    {
        while (s.Length > 1 && s[^1] == '\n' && s[^2] == '\n') s.Length--;
        s.Append("\n## ").Append(title).Append("\n\n");
    }

    private static void Charts(StringBuilder s, StudyChartSet charts)
    {
        Section(s, "Charts");
        s.Append(StudyReportText.ChartsIntro).Append('\n');
        foreach (var d in charts.Datasets)
        {
            s.Append("\n### ").Append(Escape(d.Title)).Append("\n\n");
            foreach (var chart in d.Charts) Image(s, chart);
            if (d.ChartsNote is { } chartsNote) s.Append(Escape(chartsNote)).Append("\n\n");
            if (d.CellsNote is { } cellsNote) s.Append(Escape(cellsNote)).Append("\n\n");
            foreach (var cell in d.Cells)
            {
                s.Append("#### ").Append(Escape($"{d.Title}: {cell.Label}")).Append("\n\n");
                if (cell.Confusion is { } confusion) Image(s, confusion);
                if (cell.Gallery is { } gallery) Image(s, gallery);
                foreach (var note in cell.Notes) s.Append("- ").Append(Escape(note)).Append('\n');
                if (cell.Notes.Count > 0) s.Append('\n');
            }
        }
    }

    private static void Image(StringBuilder s, StudyChart chart)
    {
        s.Append("![").Append(Alt(chart.Title)).Append("](").Append(chart.PngPath).Append(")\n\n");
        s.Append('*').Append(Escape(StudyReportText.Caption(chart))).Append('*');
        if (chart.HasSvg) s.Append(" [SVG](").Append(chart.SvgPath).Append(')');
        s.Append("\n\n");
    }

    private static void Table(StringBuilder s, StudyTable table)
    {
        s.Append("| ").Append(string.Join(" | ", table.Header)).Append(" |\n|");
        foreach (var _ in table.Header) s.Append("---|");
        s.Append('\n');
        foreach (var row in table.Rows) s.Append("| ").Append(string.Join(" | ", row.Select(Escape))).Append(" |\n");
    }

    private static string Alt(string text) => text.Replace("[", "(", StringComparison.Ordinal).Replace("]", ")", StringComparison.Ordinal);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
