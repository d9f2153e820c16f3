using System.CommandLine;
using Norms.Data;
using Norms.Reports;
using Norms.Explain;

namespace Norms.Experiments.Cli;

/// <summary>`explain`: a worked example of each norm's statistics on a small tensor from a JSON file.</summary>
public static class ExplainVerb
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "JSON file {\"shape\": [N, C, H, W], \"data\": [row-major numbers]}", Required = true };
        var groups = new Option<int?>("--groups") { Description = "GroupNorm's group count (must divide C); default: the smallest divisor of C above 1 and below C, or 1 when C is 1 or prime" };
        var eps = new Option<double>("--eps") { Description = "eps added to the variance inside the square root (>= 0)", DefaultValueFactory = _ => 1e-5 };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("explain", "Walk through the statistics of Batch, Layer (GroupNorm(1)), Group and Instance norm on a small tensor, checked against libtorch.");
        command.Options.Add(input);
        command.Options.Add(groups);
        command.Options.Add(eps);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            var explanation = Run(parse.GetValue(input)!, parse.GetValue(groups), parse.GetValue(eps));
            Console.Out.Write(parse.GetValue(format) == "json" ? ExplainJson.Render(explanation) + Environment.NewLine : ExplainText.Render(explanation));
            return 0;
        });
        return command;
    }

    /// <summary>Reads the file and explains it; every user mistake becomes a <see cref="UserError"/>.</summary>
    internal static Explanation Run(FileInfo file, int? groups, double eps)
    {
        if (!file.Exists)
            throw new UserError($"input file {file.FullName} does not exist; pass --input with a JSON tensor file");
        if (!(eps >= 0) || double.IsInfinity(eps))
            throw new UserError($"--eps must be a finite number >= 0, got {eps.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; use e.g. 1e-5");
        try
        {
            var x = TensorFile.Parse(TensorFile.ReadText(file.FullName));
            return NormExplainer.Explain(x, groups, eps);
        }
        catch (FormatException e)
        {
            throw new UserError($"{file.Name}: {e.Message}");
        }
        catch (NormConfigurationException e)
        {
            throw new UserError(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot read {file.FullName} ({e.Message}); check the path and its permissions");
        }
    }
}
