using System.CommandLine;

namespace Norms.Experiments.Cli;

/// <summary>Every verb of the command line; each lives in its own file and exposes Create().</summary>
internal static class Verbs
{
    /// <param name="args">The process's arguments, for the verbs that record them in their results.</param>
    public static IEnumerable<Command> All(IReadOnlyList<string> args) =>
    [
        ListVerb.Create(), RunVerb.Create(args), AllVerb.Create(args), ReportVerb.Create(),
        SummaryVerb.Create(), ExplainVerb.Create(), BenchVerb.Create(),
    ];
}
