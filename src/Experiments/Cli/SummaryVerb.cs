using System.CommandLine;
using Norms.Models;

namespace Norms.Experiments.Cli;

/// <summary>`summary MODEL [--norm N] [--format text|json]` or `summary --spec FILE`: the layer table of a reference model or
/// of an experiment file's model (a built-in or an inline network, with the experiment's norm and dropout), computed from its
/// spec (no engine needed).</summary>
internal static class SummaryVerb
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = $"The model: {string.Join(", ", Architectures.Names)}.", Arity = ArgumentArity.ZeroOrOne };
        var specFile = new Option<string?>("--spec") { Description = "An experiment JSON file (docs/SPEC.md): summarize the model it trains, inline networks included." };
        var norm = new Option<string>("--norm")
        {
            Description = "bn = BatchNorm, gn = GroupNorm (the model's grouping), ln = GroupNorm(1, C), layernorm = nn.LayerNorm, in = InstanceNorm, none.",
            DefaultValueFactory = _ => "bn",
        };
        var format = new Option<string>("--format") { Description = "text (a table) or json.", DefaultValueFactory = _ => "text" };
        var batch = new Option<int>("--batch-size") { Description = "Batch size for shapes, mult-adds and memory.", DefaultValueFactory = _ => 1 };
        var command = new Command("summary", "Print a model's layers, output shapes, parameter counts, mult-adds and memory estimate.");
        command.Arguments.Add(model);
        command.Options.Add(specFile);
        command.Options.Add(norm);
        command.Options.Add(format);
        command.Options.Add(batch);
        command.SetAction(parse =>
        {
            var file = parse.GetValue(specFile);
            var name = parse.GetValue(model);
            if (file is not null && name is not null)
                throw new UserError("give either a model name or --spec FILE, not both");
            if (file is not null && parse.GetResult(norm) is { Implicit: false })
                throw new UserError("--norm applies to a model name; with --spec FILE the experiment's norm is used");
            Console.Out.Write(file is not null
                ? RenderSpec(RunVerb.ReadSpec(file), parse.GetValue(format)!, parse.GetValue(batch))
                : Render(name ?? throw new UserError($"name a model ({string.Join(", ", Architectures.Names)}) or pass --spec FILE"),
                    parse.GetValue(norm)!, parse.GetValue(format)!, parse.GetValue(batch)));
            return 0;
        });
        return command;
    }

    /// <summary>The verb's output for these arguments; throws <see cref="UserError"/> for a bad one.</summary>
    public static string Render(string modelName, string normName, string format, int batchSize = 1)
    {
        if (!Architectures.Names.Contains(modelName))
            throw new UserError($"unknown model '{modelName}'; use one of {string.Join(", ", Architectures.Names)}");
        var norm = Architectures.NormFor(modelName, normName)
            ?? throw new UserError($"unknown norm '{normName}'; use one of {string.Join(", ", Architectures.NormNames)}");
        return Format(Architectures.ByName(modelName, norm)!, format, batchSize);
    }

    /// <summary>The verb's output for an experiment (read and validated): the model it trains.</summary>
    public static string RenderSpec(ExperimentSpec spec, string format, int batchSize = 1) => Format(spec.ToModelSpec(), format, batchSize);

    private static string Format(ModelSpec model, string format, int batchSize)
    {
        if (format is not ("text" or "json"))
            throw new UserError($"unknown format '{format}'; use text or json");
        if (batchSize < 1)
            throw new UserError($"--batch-size must be >= 1, got {batchSize}");
        var summary = ModelSummary.Of(model, batchSize);
        return format == "json" ? SummaryFormat.Json(summary) : SummaryFormat.Text(summary);
    }
}
