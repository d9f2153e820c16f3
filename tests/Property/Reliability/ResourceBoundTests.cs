using FsCheck;
using FsCheck.Fluent;
using Norms.Experiments.Cli;
using Norms.Data;
using Norms.Training;
using Norms.Models;

namespace Norms.Property.Tests.Reliability;

/// <summary>Absurd resource flags are not taken literally: threads are clamped to the processors, a batch to the
/// training set, each with one note; what fits is left alone without a word.</summary>
public sealed class ResourceBoundTests
{
    [Fact]
    public void Threads_above_the_processor_count_are_clamped_with_one_note() =>
        Prop.ForAll(Gen.Choose(1, 64).ToArbitrary(), Gen.Choose(1, int.MaxValue).ToArbitrary(), (processors, requested) =>
        {
            var notes = new StringWriter();
            var used = TrainingOptions.Threads(requested, processors, notes);
            Assert.Equal(Math.Min(requested, processors), used);
            var lines = notes.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(requested > processors ? 1 : 0, lines.Length);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_batch_above_the_training_set_becomes_the_whole_set_with_one_note() =>
        Prop.ForAll(Gen.Choose(1, 300).ToArbitrary(), Gen.Choose(1, int.MaxValue).ToArbitrary(), (images, batch) =>
        {
            var set = new ImageSet(new byte[images * 4], new byte[images], images, 1, 2, 2, [.. Enumerable.Range(0, 10).Select(i => i.ToString())]);
            var data = new Dataset("mnist", set, set, ChannelStats.Mnist);
            var notes = new StringWriter();
            var spec = ExperimentRunner.WholeSetAtMost(BuiltInExperiments.Find("mnist-bn")! with { BatchSize = batch }, data, notes);
            Assert.Equal(Math.Min(batch, images), spec.BatchSize);
            Assert.Equal(batch > images ? 1 : 0, notes.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }).QuickCheckThrowOnFailure();

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void Threads_at_or_below_zero_are_refused_with_one_line(string threads)
    {
        var line = InProcessCli.AssertOneLineUserError(InProcessCli.Run("run", "mnist-bn", "--threads", threads, "--out", Path.GetTempPath()));
        Assert.Contains("--threads must be >= 1", line);
    }

    [Theory]
    [InlineData("run mnist-bn --seed -1", "a whole number >= 0")]
    [InlineData("run mnist-bn --epochs 99999999999", "a whole number")]
    [InlineData("run mnist-bn --epochs many", "a whole number")]
    [InlineData("trian mnist-bn", "Unrecognized command or argument 'trian'")]
    public void Flags_that_do_not_parse_are_one_line_not_the_help_page(string commandLine, string expected)
    {
        var (exit, output, err) = InProcessCli.Run(commandLine.Split(' '));
        var line = InProcessCli.AssertOneLineUserError((exit, output, err));
        Assert.Contains(expected, line);
        Assert.Contains("--help", line);
        Assert.DoesNotContain("System.", line);
        Assert.Equal("", output);
    }
}
