using System.CommandLine;
using Norms.Models;

namespace Norms.Experiments.Cli;

/// <summary>`summary MODEL [--norm N] [--format text|json]`: the layer table of a reference model,
/// computed from its spec (no engine needed).</summary>
internal static class SummaryVerb
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = $"The model: {string.Join(", ", Architectures.Names)}." };
        var norm = new Option<string>("--norm")
        {
            Description = "bn = BatchNorm, gn = GroupNorm (the model's grouping), ln = GroupNorm(1, C), layernorm = nn.LayerNorm, in = InstanceNorm, none.",
            DefaultValueFactory = _ => "bn",
        };
        var format = new Option<string>("--format") { Description = "text (a table) or json.", DefaultValueFactory = _ => "text" };
        var batch = new Option<int>("--batch-size") { Description = "Batch size for shapes, mult-adds and memory.", DefaultValueFactory = _ => 1 };
        var command = new Command("summary", "Print a model's layers, output shapes, parameter counts, mult-adds and memory estimate.");
        command.Arguments.Add(model);
        command.Options.Add(norm);
        command.Options.Add(format);
        command.Options.Add(batch);
        command.SetAction(parse =>
        {
            Console.Out.Write(Render(parse.GetValue(model)!, parse.GetValue(norm)!, parse.GetValue(format)!, parse.GetValue(batch)));
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
        if (format is not ("text" or "json"))
            throw new UserError($"unknown format '{format}'; use text or json");
        if (batchSize < 1)
            throw new UserError($"--batch-size must be >= 1, got {batchSize}");
        var summary = ModelSummary.Of(Architectures.ByName(modelName, norm)!, batchSize);
        return format == "json" ? SummaryFormat.Json(summary) : SummaryFormat.Text(summary);
    }
}
