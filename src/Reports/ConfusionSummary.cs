using System.Globalization;
using System.Text;

namespace Norms.Reports;

/// <summary>A confusion matrix (rows = true class) as the lines `evaluate` prints: each class's accuracy, then the pairs most
/// often confused (true → predicted), largest first, ties by class order so the text is deterministic.</summary>
public static class ConfusionSummary
{
    public static string Text(int[][] confusion, IReadOnlyList<string> classes, int pairs = 5)
    {
        var text = new StringBuilder("per-class accuracy:\n");
        for (var c = 0; c < confusion.Length; c++)
        {
            var total = confusion[c].Sum();
            var accuracy = total == 0 ? "-" : (100.0 * confusion[c][c] / total).ToString("F2", CultureInfo.InvariantCulture) + "%";
            text.Append(CultureInfo.InvariantCulture, $"  {classes[c],-10} {accuracy,8}  ({confusion[c][c]}/{total})\n");
        }
        var confused = MostConfused(confusion, pairs);
        text.Append(confused.Count == 0 ? "most confused: none\n" : "most confused (true -> predicted):\n");
        foreach (var (truth, predicted, count) in confused)
            text.Append(CultureInfo.InvariantCulture, $"  {classes[truth]} -> {classes[predicted]}: {count}\n");
        return text.ToString();
    }

    /// <summary>The off-diagonal cells with a count, largest first (ties: by true class, then predicted).</summary>
    public static IReadOnlyList<(int True, int Predicted, int Count)> MostConfused(int[][] confusion, int pairs) =>
        [.. Enumerable.Range(0, confusion.Length)
            .SelectMany(t => Enumerable.Range(0, confusion[t].Length).Select(p => (True: t, Predicted: p, Count: confusion[t][p])))
            .Where(e => e.True != e.Predicted && e.Count > 0)
            .OrderByDescending(e => e.Count).ThenBy(e => e.True).ThenBy(e => e.Predicted)
            .Take(pairs)];
}
