using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Norms.Reports;
using Norms.Training;
using Norms.Results;
using Norms.Property.Tests.Generators;

namespace Norms.Property.Tests.Recording;

/// <summary>
/// The report's sentence about engine switches (ReportProvenance.SwitchSentences) appears exactly when the compared
/// results of a dataset were made with different switches, and names exactly those: runs that share one set of switches,
/// then some switches changed on one run each.
/// </summary>
public sealed class SwitchSentenceProperties
{
    private static readonly string[] Names = ["fused kernels", "data parallel", "memory layout", "threads", "evaluation batch"];

    private static EngineSwitches Changed(EngineSwitches e, int which) => which switch
    {
        0 => e with { FusedKernels = !e.FusedKernels },
        1 => e with { DataParallel = !e.DataParallel },
        2 => e with { MemoryLayout = e.MemoryLayout == "channels-last" ? "channels-first" : "channels-last" },
        3 => e with { Threads = e.Threads + 1 },
        _ => e with { EvaluationBatch = e.EvaluationBatch * 2 },
    };

    private static RunResult Run(string name, string dataset, EngineSwitches? engine, bool tested = true) =>
        new(name, dataset, "mnist8k", "bn", 0, 0, 7946, 1, "cpu", 1, 512, 256, true, RunStatus.Completed, null,
            [], tested ? 98.5 : null, tested ? 0.05 : null, 97.0, tested ? 1 : null, [], [], 1, new JsonObject(),
            engine is null ? null : Provenance.Unrecorded with { Engine = engine });

    private static readonly Gen<EngineSwitches> Switches =
        from fused in Gen.Elements(true, false)
        from split in Gen.Elements(true, false)
        from layout in Gen.Elements("channels-last", "channels-first")
        from threads in Gen.Choose(1, 16)
        from batch in Gen.Elements(64, 334, 1000)
        select new EngineSwitches(fused, split, layout, threads, batch);

    /// <summary>Runs of one dataset sharing <c>Base</c>, the switches changed (each on one run, maybe the same run), and
    /// how many runs without a provenance (old files) and without a test accuracy (not compared) join them.</summary>
    private sealed record Case(EngineSwitches Base, int Runs, int[] Changed, int[] Where, int Old, int Untested)
    {
        // A counterexample shows the arrays' contents, not their type.
        public override string ToString() =>
            $"{Base}, {Runs} runs, changed [{string.Join(", ", Changed.Select(c => Names[c]))}] on runs [{string.Join(", ", Where)}], {Old} old, {Untested} untested";
    }

    private static readonly Gen<Case> Cases =
        from b in Switches
        from runs in Gen.Choose(2, 6)
        from changed in Gen.Elements(0, 1, 2, 3, 4).ArrayOf().Select(a => a.Distinct().ToArray())
        from targets in Gen.Choose(0, runs - 1).ArrayOf(changed.Length)
        from old in Gen.Choose(0, 2)
        from untested in Gen.Choose(0, 2)
        select new Case(b, runs, changed, targets, old, untested);

    private static List<RunResult> Build(Case c, string dataset)
    {
        var engines = Enumerable.Repeat(c.Base, c.Runs).ToArray();
        for (var i = 0; i < c.Changed.Length; i++) engines[c.Where[i]] = Changed(engines[c.Where[i]], c.Changed[i]);
        var runs = engines.Select((e, i) => Run($"{dataset}-{i}", dataset, e)).ToList();
        // Neither changes the sentence: an old file has nothing to compare, an untested run is not compared.
        runs.AddRange(Enumerable.Range(0, c.Old).Select(i => Run($"{dataset}-old{i}", dataset, null)));
        runs.AddRange(Enumerable.Range(0, c.Untested).Select(i => Run($"{dataset}-untested{i}", dataset, Changed(Changed(c.Base, 0), 3), tested: false)));
        return runs;
    }

    private static string[] Expected(Case c) => [.. Names.Where((_, i) => c.Changed.Contains(i))];

    [Fact]
    public void The_sentence_appears_exactly_when_switches_differ_and_names_exactly_those()
    {
        Props.ForAll(Cases, c =>
        {
            var runs = Build(c, "mnist");
            var expected = Expected(c);
            Assert.Equal(expected, ReportProvenance.DifferingSwitches(runs.Where(r => r.BestTestAcc is not null)));
            var sentences = ReportProvenance.SwitchSentences(runs);
            if (expected.Length == 0)
            {
                Assert.Empty(sentences);
                return;
            }
            var sentence = Assert.Single(sentences);
            Assert.StartsWith("The mnist results compared here were not all made with the same engine switches: ", sentence);
            foreach (var name in Names) Assert.Equal(expected.Contains(name), sentence.Contains(name));
        }, maxTest: 200);
    }

    [Fact]
    public void Each_dataset_is_judged_on_its_own_results()
    {
        // Two datasets whose switches differ from each other (another model: another layout and test batch), but not
        // within either: their results are never compared with each other, so nothing is said.
        var mnist = new EngineSwitches(true, true, "channels-first", 2, 334);
        var cifar = new EngineSwitches(true, true, "channels-last", 2, 64);
        RunResult[] runs = [Run("a", "mnist", mnist), Run("b", "mnist", mnist), Run("c", "cifar10", cifar), Run("d", "cifar10", cifar)];
        Assert.Empty(ReportProvenance.SwitchSentences(runs));
        Assert.Equal(
            ["The cifar10 results compared here were not all made with the same engine switches: threads differs (see How these results were made)."],
            ReportProvenance.SwitchSentences([.. runs, Run("e", "cifar10", cifar with { Threads = 1 })]));
        Assert.Equal(
            ["The mnist results compared here were not all made with the same engine switches: fused kernels, data parallel and threads differ (see How these results were made)."],
            ReportProvenance.SwitchSentences([.. runs, Run("f", "mnist", mnist with { FusedKernels = false, DataParallel = false, Threads = 1 })]));
    }
}
