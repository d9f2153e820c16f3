using System.CommandLine;
using Norms.Torch;

namespace Norms.Experiments.Cli;

/// <summary>Every verb of the command line; each lives in its own file and exposes Create().</summary>
internal static class Verbs
{
    /// <param name="args">The process's arguments, for the verbs that record them in their results.</param>
    /// <param name="engine">The engine options the environment set; the verbs that train refine them with their flags.</param>
    public static IEnumerable<Command> All(IReadOnlyList<string> args, EngineOptions engine) =>
    [
        ListVerb.Create(), RunVerb.Create(args, engine), AllVerb.Create(args, engine), ReportVerb.Create(),
        SummaryVerb.Create(), ExplainVerb.Create(), BenchVerb.Create(engine), StudyVerb.Create(args, engine),
        ExportVerb.Create(engine), ImportVerb.Create(engine), EvaluateVerb.Create(engine), LaunchVerb.Create(),
    ];
}
