using System.CommandLine;
using System.Globalization;
using Norms.Data;
using Norms.Training;
using Norms.Models;
using Norms.Reports;

namespace Norms.Experiments.Cli;

/// <summary>`list`: the built-in experiments and their settings, as a table.</summary>
internal static class ListVerb
{
    public static Command Create()
    {
        var command = new Command("list", "List the built-in experiments and their settings.");
        command.SetAction(_ =>
        {
            Console.Out.Write(Render());
            return 0;
        });
        return command;
    }

    public static string Render()
    {
        static string F(double v) => Decimals.Readable(v);
        static string Words(Augmentation a) => a switch
        {
            Augmentation.RandomRotation r => $"rotate {F(r.MaxDegrees)}",
            Augmentation.RandomCropFlip { Padding: 0 } => "flip",
            Augmentation.RandomCropFlip c => $"crop {c.Padding.ToString(CultureInfo.InvariantCulture)} + flip",
            _ => "none",
        };
        var rows = BuiltInExperiments.All.Select(e => (IReadOnlyList<string>)new[]
        {
            e.Name, e.Dataset, e.Model.Name, e.Norm.ShortName, F(e.L1), F(e.L2),
            RecipeText.Optimizer(e), RecipeText.Schedule(e),
            e.BatchSize.ToString(CultureInfo.InvariantCulture), e.Epochs.ToString(CultureInfo.InvariantCulture), F(e.ToModelSpec().Dropout),
            Words(TrainingAugmentation.For(e, e.Dataset)),
        }).ToList();
        return TextTable.Render(["name", "dataset", "model", "norm", "l1", "l2", "optimizer", "schedule", "batch", "epochs", "dropout", "augmentation"], rows);
    }
}
