using System.CommandLine;

namespace Norms.Experiments.Cli;

/// <summary>Every verb of the command line; each lives in its own file and exposes Create().</summary>
internal static class Verbs
{
    public static IEnumerable<Command> All() =>
    [
        ListVerb.Create(), RunVerb.Create(), AllVerb.Create(), ReportVerb.Create(),
        SummaryVerb.Create(), ExplainVerb.Create(), BenchVerb.Create(),
    ];
}
