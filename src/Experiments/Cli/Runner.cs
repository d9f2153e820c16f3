using System.CommandLine;
using Norms.Experiments.Training;

namespace Norms.Experiments.Cli;

/// <summary>
/// Runs a parsed command line: a user mistake is one line on stderr and exit code 2; anything unexpected is one line
/// naming the exception and exit code 1. Stack traces only with <see cref="Debug"/> (--debug, on every verb).
/// </summary>
public static class Runner
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

/// <summary>A mistake the user can fix: the message names the problem and the fix, on one line.</summary>
public sealed class UserError(string message) : Exception(message);
