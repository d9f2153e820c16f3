using Norms.Models;

namespace Norms.Experiments.Cli;

/// <summary>A --spec value of `import` and `evaluate`: an experiment JSON file (read as `run --spec` reads it), or the name of
/// a built-in experiment when no such file exists.</summary>
internal static class SpecArgument
{
    public static ExperimentSpec Resolve(string value)
    {
        if (File.Exists(value) || value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || value.Contains('/'))
            return RunVerb.ReadSpec(value);
        return BuiltInExperiments.Find(value)
            ?? throw new UserError($"--spec {value}: no such file and no such built-in experiment; give an experiment JSON file or one of {string.Join(", ", BuiltInExperiments.Names)}");
    }
}
