using System.CommandLine;
using Norms.Training;

namespace Norms.Experiments.Cli;

/// <summary>
/// Runs a parsed command line: a user mistake is one line on stderr and exit code 2; anything unexpected is one line
/// naming the exception and exit code 1. Stack traces only with <see cref="Debug"/> (--debug, on every verb).
/// </summary>
public static partial class Runner
{
    /// <summary>--debug: print the stack trace of every failure (for reporting a bug), besides its one line.</summary>
    public static Option<bool> Debug { get; } = new("--debug")
    {
        Description = "Print the stack trace of any failure (for a bug report); without it every failure is one line.",
        Recursive = true,
    };

    public static int Invoke(RootCommand root, string[] args)
    {
        if (!root.Options.Contains(Debug)) root.Options.Add(Debug);
        var parse = root.Parse(args);
        var debug = parse.GetValue(Debug);
        // System.CommandLine answers a parse error with the whole help page and exit 1; a mistake here is one line and 2.
        if (parse.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
        {
            var help = parse.CommandResult.Command is RootCommand ? "--help" : $"{parse.CommandResult.Command.Name} --help";
            // An unknown verb also leaves "Required command was not provided"; the unknown word is what to show.
            var first = parse.Errors.OrderBy(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).First();
            Console.Error.WriteLine($"error: {ParseErrorText(first.Message)}; see `{help}`");
            return 2;
        }
        try
        {
            // System.CommandLine would print exceptions with their stack trace; let them reach the catches below.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserError e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (debug) Console.Error.WriteLine(e);
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {Failure.Describe(e)}");
            if (debug) Console.Error.WriteLine(e);
            return 1;
        }
    }
}

public static partial class Runner
{
    // "as expected type 'System.Nullable`1[System.UInt64]'" is .NET's name for it, not the user's.
    private static string ParseErrorText(string message) =>
        TypeNameRegex().Replace(message.TrimEnd('.'), m => m.Groups["type"].Value switch
        {
            "UInt64" => "a whole number >= 0",
            "Int32" or "Int64" => "a whole number",
            "Double" => "a number",
            "Boolean" => "true or false",
            var other => other,
        });

    [System.Text.RegularExpressions.GeneratedRegex(@"(System\.Nullable`1\[)?System\.(?<type>\w+)\]?")]
    private static partial System.Text.RegularExpressions.Regex TypeNameRegex();
}
