using System.Text.Json.Nodes;

namespace Norms.Studies;

/// <summary>One rung of a successive-halving study: how many epochs its runs train, how many of the previous rung's cells
/// it keeps (null on the first rung: every cell of the grid), and how many of the study's seeds each kept cell runs.</summary>
public sealed record HalvingRung(int Epochs, int? Keep, int Seeds);

/// <summary>What a rung kept: the cells (their grid axes, the rung's epochs left out) in order of the previous rung's
/// mean final validation accuracy, best first, and that mean for each. <see cref="Rung"/> is the 0-based index of the
/// rung the kept cells go on to, which is the 1-based number of the rung ranked. Once the last rung has ended, its own
/// ranking is one more choice, <see cref="Last"/>, whose one kept cell is the study's pick.</summary>
public sealed record RungChoice(int Rung, IReadOnlyList<(string Cell, double? MeanValAcc)> Ranked, int Kept)
{
    public bool Last { get; init; }
}

/// <summary>The runs a successive-halving study has reached, and what each rung kept.</summary>
public sealed record HalvingPlan(IReadOnlyList<StudyRun> Runs, IReadOnlyList<RungChoice> Choices, bool Finished);

/// <summary>
/// Successive halving (Jamieson and Talwalkar 2016; Li et al.'s Hyperband uses it), as a pure function of the spec, the
/// flags and the results so far. Rung 0 is the grid with one more axis, "epochs" = the rung's epochs, and the rung's first
/// seeds. Once every run of a rung has ended (completed, diverged or failed), its cells are ranked by the mean over their
/// seeds of the final epoch's validation accuracy (a run without one, diverged or failed, ranks last), ties by grid
/// order, and the best <see cref="HalvingRung.Keep"/> go on to the next rung: fresh runs, since the one-cycle schedule
/// spans a run's epochs, so a longer run is another run, with its own id. The test set never picks: only the
/// validation slice held back from training (spec "validation") does.
/// </summary>
public static class SuccessiveHalving
{
    public const string EpochsAxis = "epochs";

    /// <param name="result">The final validation accuracy and whether the run has ended, for a run id; null when it has
    /// not ended (missing, running, interrupted).</param>
    public static HalvingPlan Plan(StudySpec study, StudyFlags flags, IReadOnlyList<HalvingRung> rungs, Func<string, RunOutcome?> result)
    {
        var runs = new List<StudyRun>();
        var choices = new List<RungChoice>();
        IReadOnlySet<string>? kept = null;
        for (var k = 0; k < rungs.Count; k++)
        {
            var rung = Rung(study, flags, rungs[k], kept);
            runs.AddRange(rung);
            var outcomes = rung.Select(r => (Run: r, Outcome: result(r.Id))).ToList();
            if (outcomes.Any(o => o.Outcome is null)) return new(runs, choices, false);
            var ranked = outcomes.GroupBy(o => GridCell(o.Run), StringComparer.Ordinal)
                .Select((g, order) => (Cell: g.Key, Order: order, Mean: g.All(o => o.Outcome!.FinalValAcc is not null)
                    ? g.Average(o => o.Outcome!.FinalValAcc!.Value) : (double?)null))
                .OrderByDescending(c => c.Mean ?? double.NegativeInfinity).ThenBy(c => c.Order)
                .Select(c => (c.Cell, c.Mean)).ToList();
            if (k == rungs.Count - 1)
            {
                // The pick: the last rung's best cell, by validation accuracy as every rung before it (none if all failed).
                choices.Add(new RungChoice(k + 1, ranked, ranked.Count > 0 && ranked[0].Mean is not null ? 1 : 0) { Last = true });
                return new(runs, choices, true);
            }
            var keep = Math.Min(rungs[k + 1].Keep ?? ranked.Count, ranked.Count);
            choices.Add(new RungChoice(k + 1, ranked, keep));
            kept = ranked.Take(keep).Select(c => c.Cell).ToHashSet(StringComparer.Ordinal);
        }
        return new(runs, choices, true);
    }

    /// <summary>A run's cell without the rung's epochs: the same configuration across rungs.</summary>
    public static string GridCell(StudyRun run) => AxisJson.Canonical([.. run.Axes.Where(a => a.Key != EpochsAxis)]);

    private static IReadOnlyList<StudyRun> Rung(StudySpec study, StudyFlags flags, HalvingRung rung, IReadOnlySet<string>? kept)
    {
        var spec = study with
        {
            Axes = [.. study.Axes, new StudyAxis(EpochsAxis, [JsonValue.Create(rung.Epochs)])],
            Seeds = [.. study.Seeds.Take(rung.Seeds)],
        };
        var expansion = StudyGrid.Expand(spec, flags);
        if (!expansion.IsValid) throw new ArgumentException(string.Join("; ", expansion.Errors));
        return kept is null ? expansion.Runs : [.. expansion.Runs.Where(r => kept.Contains(GridCell(r)))];
    }
}

/// <summary>How a run ended, as halving reads it: its final validation accuracy, null when it has none (diverged, failed).</summary>
public sealed record RunOutcome(double? FinalValAcc);
