using Norms.Results;

namespace Norms.Reports;

/// <summary>
/// The analysis: every sentence is built from a comparison of the saved numbers (rounded as printed, see
/// <see cref="ReportNumbers"/>); a comparison whose inputs are missing is skipped, never guessed.
/// </summary>
public static class ReportAnalysis
{
    public static IReadOnlyList<string> Sentences(IReadOnlyList<ExperimentReport> experiments, ReportNumbers n)
    {
        var s = new List<string>();
        Ranking(experiments, n, s);
        Regularization(experiments, n, s);
        Gap(experiments, n, s);
        NormComparison(experiments, n, s);
        s.AddRange(ReportProvenance.SwitchSentences(experiments.Select(e => e.Run)));
        s.AddRange(ReportProvenance.SpeedSentences(experiments.Select(e => e.Run)));
        return s;
    }

    private static string Label(ExperimentReport e) => e.Problem is null ? e.Run.Name : $"{e.Run.Name} ({StatusWord(e)})";

    // A run still "running" in result.json is unfinished to a reader of the report (it may have died).
    private static string StatusWord(ExperimentReport e) => e.Run.Status switch
    {
        RunStatus.Diverged or RunStatus.Interrupted => e.Run.Status.Label(),
        RunStatus.Running => "unfinished",
        _ => "cut short",
    };

    private static IEnumerable<ExperimentReport> Scored(IEnumerable<ExperimentReport> e) => e.Where(x => x.Run.BestTestAcc is not null);

    private static double Acc(ExperimentReport e, ReportNumbers n) => n.RoundAcc(e.Run.BestTestAcc!.Value);

    private static ExperimentReport[] ByAccuracy(IEnumerable<ExperimentReport> e, ReportNumbers n) =>
        [.. Scored(e).OrderByDescending(x => Acc(x, n)).ThenBy(x => x.Run.Name, StringComparer.Ordinal)];

    private static void Ranking(IReadOnlyList<ExperimentReport> experiments, ReportNumbers n, List<string> s)
    {
        foreach (var dataset in experiments.GroupBy(e => e.Run.Dataset))
        {
            var ranked = ByAccuracy(dataset, n);
            if (ranked.Length == 0) continue;
            if (ranked.Length == 1)
            {
                s.Add($"On {dataset.Key}, only {Label(ranked[0])} has a test accuracy: best {n.Acc(ranked[0].Run.BestTestAcc)}.");
                continue;
            }
            // Competition ranking: equal (printed) accuracies share a rank.
            var list = string.Join(", ", ranked.Select(e => $"{1 + ranked.Count(o => Acc(o, n) > Acc(e, n))}. {Label(e)} {n.Acc(e.Run.BestTestAcc)}"));
            s.Add($"On {dataset.Key}, the ranking by best test accuracy is: {list}.");
            s.Add(Spread(ranked, n, dataset.Key, e => e.Run.Name));
            var lossLeader = dataset.Where(e => e.Run.BestTestLoss is not null)
                .OrderBy(e => n.RoundLoss(e.Run.BestTestLoss!.Value)).ThenBy(e => e.Run.Name, StringComparer.Ordinal).FirstOrDefault();
            if (lossLeader is not null)
                s.Add(lossLeader.Run.Name == ranked[0].Run.Name
                    ? $"{lossLeader.Run.Name} also has the lowest best test loss on {dataset.Key} ({n.Loss(lossLeader.Run.BestTestLoss)})."
                    : $"The lowest best test loss on {dataset.Key} belongs to {lossLeader.Run.Name} ({n.Loss(lossLeader.Run.BestTestLoss)}), not to the accuracy leader {ranked[0].Run.Name} ({n.Loss(ranked[0].Run.BestTestLoss)}).");
        }
    }

    /// <summary>Each regularized run against every run that differs from it only by leaving out some of its L1/L2.</summary>
    private static void Regularization(IReadOnlyList<ExperimentReport> experiments, ReportNumbers n, List<string> s)
    {
        var scored = Scored(experiments).ToArray();
        foreach (var reg in scored.Where(e => e.Run.L1 > 0 || e.Run.L2 > 0))
        {
            var bases = scored.Where(b => b != reg && b.Run.Dataset == reg.Run.Dataset && b.Run.Model == reg.Run.Model && b.Run.Norm == reg.Run.Norm
                    && (b.Run.L1 == 0 || b.Run.L1 == reg.Run.L1) && (b.Run.L2 == 0 || b.Run.L2 == reg.Run.L2)
                    && (b.Run.L1 != reg.Run.L1 || b.Run.L2 != reg.Run.L2))
                .OrderByDescending(b => (b.Run.L1 > 0 ? 1 : 0) + (b.Run.L2 > 0 ? 1 : 0)).ThenBy(b => b.Run.Name, StringComparer.Ordinal);
            foreach (var b in bases)
            {
                var added = new List<string>();
                if (b.Run.L1 == 0 && reg.Run.L1 > 0) added.Add($"L1 {ReportNumbers.Factor(reg.Run.L1)}");
                if (b.Run.L2 == 0 && reg.Run.L2 > 0) added.Add($"L2 {ReportNumbers.Factor(reg.Run.L2)}");
                var accDiff = Acc(reg, n) - Acc(b, n);
                var sentence = $"Adding {string.Join(" and ", added)} ({Label(b)} to {Label(reg)}) " +
                               Change(accDiff, n.AccuracyDecimals, "best test accuracy", " points", n.Acc(b.Run.BestTestAcc), n.Acc(reg.Run.BestTestAcc));
                if (b.Run.BestTestLoss is { } bl && reg.Run.BestTestLoss is { } rl)
                    sentence += " and " + Change(n.RoundLoss(rl) - n.RoundLoss(bl), n.LossDecimals, "best test loss", "", n.Loss(bl), n.Loss(rl));
                s.Add(sentence + ".");
            }
        }
    }

    private static string Change(double diff, int decimals, string what, string unit, string before, string after) =>
        diff == 0 ? $"left the {what} unchanged at {after}"
            : $"{(diff > 0 ? "raised" : "lowered")} the {what} by {ReportNumbers.Fixed(Math.Abs(diff), decimals)}{unit} ({before} to {after})";

    private static void Gap(IReadOnlyList<ExperimentReport> experiments, ReportNumbers n, List<string> s)
    {
        // A diverged run's last epoch is the one that blew up: its accuracies say nothing about generalization.
        var withEpochs = experiments.Where(e => e.Run.Status != RunStatus.Diverged && e.Last is { } l && double.IsFinite(l.TrainAcc) && double.IsFinite(l.TestAcc)).ToArray();
        if (withEpochs.Length == 0) return;
        double G(ExperimentReport e) => n.RoundAcc(e.Last!.TrainAcc) - n.RoundAcc(e.Last!.TestAcc);
        string Describe(ExperimentReport e) =>
            $"{Label(e)} (train {n.Acc(e.Last!.TrainAcc)}, test {n.Acc(e.Last!.TestAcc)}, gap {n.Points(G(e))} points)";
        if (withEpochs.Length == 1)
        {
            var e = withEpochs[0];
            s.Add($"At its last epoch, {Label(e)} has train accuracy {n.Acc(e.Last!.TrainAcc)} and test accuracy {n.Acc(e.Last!.TestAcc)} (gap {n.Points(G(e))} points).");
        }
        else
        {
            var ordered = withEpochs.OrderByDescending(G).ThenBy(e => e.Run.Name, StringComparer.Ordinal).ToArray();
            s.Add($"At the last epoch, the train-minus-test accuracy gap is largest for {Describe(ordered[0])} and smallest for {Describe(ordered[^1])}" +
                  (experiments.Any(e => e.Run.Status == RunStatus.Diverged) ? " (diverged runs left out)." : "."));
        }
        var testAbove = withEpochs.Where(e => G(e) < 0).ToArray();
        if (testAbove.Length > 0)
        {
            var augmented = testAbove.Count(e => e.Run.Augmentation);
            var clause = augmented == testAbove.Length
                ? $"; {(testAbove.Length == 1 ? "it was" : "all of them were")} trained with augmentation, and train accuracy is measured on the augmented training batches"
                : "";
            s.Add($"Test accuracy is above train accuracy at the last epoch in {testAbove.Length} of {withEpochs.Length} runs{clause}.");
        }
    }

    /// <summary>BN vs GN vs LN (and any other norm) per dataset and model, among runs without L1 or L2.</summary>
    private static void NormComparison(IReadOnlyList<ExperimentReport> experiments, ReportNumbers n, List<string> s)
    {
        foreach (var group in Scored(experiments).Where(e => e.Run.L1 == 0 && e.Run.L2 == 0).GroupBy(e => (e.Run.Dataset, e.Run.Model)))
        {
            var best = group.GroupBy(e => e.Run.Norm).Select(g => ByAccuracy(g, n)[0]).ToArray();
            if (best.Length < 2) continue;
            var ordered = ByAccuracy(best, n);
            var text = new System.Text.StringBuilder();
            for (var i = 0; i < ordered.Length; i++)
            {
                if (i > 0) text.Append(Acc(ordered[i - 1], n) == Acc(ordered[i], n) ? " = " : " > ");
                text.Append($"{ordered[i].Run.Norm} {n.Acc(ordered[i].Run.BestTestAcc)} ({Label(ordered[i])})");
            }
            s.Add($"Norms on {group.Key.Dataset} ({group.Key.Model}, no L1/L2), by best test accuracy: {text}.");
            s.Add(Spread(ordered, n, $"{group.Key.Dataset} without L1/L2", e => e.Run.Norm));
        }
    }

    /// <summary>How far the top of a ranking is above its bottom, naming every run (or norm) tied at either end.</summary>
    private static string Spread(ExperimentReport[] ranked, ReportNumbers n, string where, Func<ExperimentReport, string> name)
    {
        var top = Acc(ranked[0], n);
        var bottom = Acc(ranked[^1], n);
        if (top == bottom) return $"On {where}, all {ranked.Length} tie at {n.Acc(top)} best test accuracy.";
        string Names(double value) => string.Join(", ", ranked.Where(e => Acc(e, n) == value).Select(name));
        return $"On {where}, the top best test accuracy ({n.Acc(top)}: {Names(top)}) is {ReportNumbers.Fixed(top - bottom, n.AccuracyDecimals)} percentage points above the bottom ({n.Acc(bottom)}: {Names(bottom)}).";
    }

    /// <summary>The sentences of one norm's section: how many runs used it and how the best and worst did.</summary>
    public static IReadOnlyList<string> NormSentences(string norm, IReadOnlyList<ExperimentReport> ordered, ReportNumbers n)
    {
        var s = new List<string>
        {
            $"{ordered.Count} experiment{(ordered.Count == 1 ? "" : "s")} used {norm}: {string.Join(", ", ordered.Select(Label))}.",
        };
        foreach (var dataset in ordered.GroupBy(e => e.Run.Dataset))
        {
            var ranked = ByAccuracy(dataset, n);
            if (ranked.Length == 0)
                s.Add($"On {dataset.Key} none of them has a test accuracy.");
            else if (ranked.Length == 1)
                s.Add($"On {dataset.Key}: {Label(ranked[0])} reached {n.Acc(ranked[0].Run.BestTestAcc)} best test accuracy.");
            else
                s.Add($"On {dataset.Key}: best {Label(ranked[0])} at {n.Acc(ranked[0].Run.BestTestAcc)}, worst {Label(ranked[^1])} at {n.Acc(ranked[^1].Run.BestTestAcc)}.");
        }
        var failed = ordered.Count(e => e.Problem is not null);
        if (failed > 0) s.Add($"{failed} of them did not complete every planned epoch (see the warnings at the top).");
        return s;
    }
}
