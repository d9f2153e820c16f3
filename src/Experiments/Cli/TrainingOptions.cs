using System.CommandLine;
using System.Globalization;
using Norms.Data;
using Norms.Training;
using Norms.Results;
using Norms.Models;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>What run/all were asked to do, after checking every flag; <see cref="Provenance"/> is the process's, for each result.</summary>
public sealed record TrainingRequest(
    string DataRoot,
    string OutDir,
    int? Epochs,
    int? BatchSize,
    ulong? Seed,
    EngineOptions Engine,
    int? LimitTrain,
    int? LimitTest,
    string? Dataset,
    bool Resume,
    bool Progress,
    bool Debug = false,
    Provenance? Provenance = null,
    bool Quick = false,
    DistributedTraining? Distributed = null)
{
    public int Threads => Engine.Threads;
    public Device Device => Engine.Device;

    /// <summary>The experiment with the command line's overrides applied (ExperimentRunner then validates it and puts its
    /// dataset in canonical form).</summary>
    public ExperimentSpec Apply(ExperimentSpec spec) => spec with
    {
        Epochs = Epochs ?? spec.Epochs,
        BatchSize = BatchSize ?? spec.BatchSize,
        Seed = Seed ?? spec.Seed,
        Dataset = Dataset ?? spec.Dataset,
    };
}

/// <summary>The options run and all share, and their checking (every bad value is a <see cref="UserError"/>).</summary>
/// <param name="args">The process's arguments, recorded in each result's provenance (<see cref="ProvenanceProbe"/>).</param>
/// <param name="engine">The engine options the environment set (Program); --threads and --device refine them.</param>
internal sealed class TrainingOptions(IReadOnlyList<string> args, EngineOptions engine)
{
    public const int QuickTrain = 5_000;
    public const int QuickTest = 1_000;

    private readonly Option<string?> dataDir = new("--data-dir") { Description = "Folder holding mnist/ and cifar-10/ (default: $NORMS_DATA, else ~/.cache/norms; downloaded when missing)." };
    private readonly Option<string> outDir = new("--out") { Description = "Where results go: OUT/NAME/result.json, metrics.csv, checkpoint.nta.", DefaultValueFactory = _ => "artifacts" };
    private readonly Option<int?> epochs = new("--epochs") { Description = "Epochs (default: the experiment's, 20 for the built-ins)." };
    private readonly Option<int?> batchSize = new("--batch-size") { Description = "Training batch size (default: the experiment's, 64)." };
    private readonly Option<ulong?> seed = new("--seed") { Description = "Seed for weights, data order, augmentation and dropout (default: the experiment's, 1)." };
    private readonly Option<int> threads = new("--threads") { Description = "Threads (default: the processor count). Each batch is split between two replica threads, which take turns at 1 thread, so results do not change with it (NORMS_DATA_PARALLEL=0: one model, all threads intra-op).", DefaultValueFactory = _ => Environment.ProcessorCount };
    private readonly Option<string> device = new("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
    private readonly Option<int?> limitTrain = new("--limit-train") { Description = "Train on the first N training images only." };
    private readonly Option<int?> limitTest = new("--limit-test") { Description = "Test on the first N test images only." };
    private readonly Option<string?> dataset = new("--dataset") { Description = $"Override the experiment's dataset: {DatasetSource.Syntax}." };
    private readonly Option<bool> resume = new("--resume") { Description = "Continue from OUT/NAME/checkpoint.nta after its last completed epoch." };
    private readonly Option<bool> noProgress = new("--no-progress") { Description = "Plain log lines instead of progress bars (always so when output is not a terminal)." };
    private readonly Option<bool> quick = new("--quick") { Description = $"A smoke run: 1 epoch on {QuickTrain:N0} train / {QuickTest:N0} test images (explicit flags win)." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { dataDir, outDir, epochs, batchSize, seed, threads, device, limitTrain, limitTest, dataset, resume, noProgress, quick })
            command.Options.Add(o);
    }

    public TrainingRequest Read(ParseResult parse)
    {
        var isQuick = parse.GetValue(quick);
        var request = new TrainingRequest(
            ResolveDataRoot(parse.GetValue(dataDir)),
            Path.GetFullPath(NonEmpty(parse.GetValue(outDir), "--out")),
            Positive(parse.GetValue(epochs) ?? (isQuick ? 1 : null), "--epochs", "e.g. --epochs 20"),
            Positive(parse.GetValue(batchSize), "--batch-size", "e.g. --batch-size 64"),
            parse.GetValue(seed),
            engine with
            {
                Threads = Threads(Positive(parse.GetValue(threads), "--threads", $"e.g. --threads {Environment.ProcessorCount}")!.Value, Environment.ProcessorCount, Console.Error),
                Device = ParseDevice(parse.GetValue(device)!),
            },
            Positive(parse.GetValue(limitTrain) ?? (isQuick ? QuickTrain : null), "--limit-train", "e.g. --limit-train 5000"),
            Positive(parse.GetValue(limitTest) ?? (isQuick ? QuickTest : null), "--limit-test", "e.g. --limit-test 1000"),
            CheckDataset(parse.GetValue(dataset)),
            parse.GetValue(resume),
            !parse.GetValue(noProgress),
            parse.GetValue(Runner.Debug),
            ProvenanceProbe.Gather(args),
            isQuick);
        return request;
    }

    private static string ResolveDataRoot(string? option)
    {
        try
        {
            return DataRoot.Resolve(option, Environment.GetEnvironmentVariable);
        }
        catch (DataException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>More threads than processors only make libtorch's threads wait on each other (and thousands would exhaust
    /// the process), so the count is clamped to the processor count, with a note.</summary>
    internal static int Threads(int requested, int processors, TextWriter notes)
    {
        if (requested <= processors) return requested;
        notes.WriteLine($"note: --threads {requested} is more than this machine's {processors} processor(s); using {processors}");
        return processors;
    }

    private static string NonEmpty(string? value, string flag) =>
        string.IsNullOrWhiteSpace(value) ? throw new UserError($"{flag} needs a folder; e.g. {flag} artifacts") : value;

    private static int? Positive(int? value, string flag, string example) =>
        value is < 1 ? throw new UserError($"{flag} must be >= 1, got {value.Value.ToString(CultureInfo.InvariantCulture)}; use {example}") : value;

    private static string? CheckDataset(string? text) =>
        text is null || DatasetSource.TryParse(text) is not null ? text?.Trim()
            : throw new UserError($"unknown dataset '{text}'; use {DatasetSource.Syntax}");

    private static Device ParseDevice(string text)
    {
        Device parsed;
        try
        {
            parsed = Device.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new UserError(e.Message);
        }
        if (parsed.Type == DeviceType.Cuda)
        {
            if (!LibTorch.CudaIsAvailable)
                throw new UserError($"--device {text}: this machine's libtorch has no CUDA device; use --device cpu");
            if (parsed.Index >= LibTorch.CudaDeviceCount)
                throw new UserError($"--device {text}: only {LibTorch.CudaDeviceCount} CUDA device(s) (cuda:0..cuda:{LibTorch.CudaDeviceCount - 1}); pick one of them");
        }
        return parsed;
    }
}
