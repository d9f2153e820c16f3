using System.CommandLine;

namespace Norms.Experiments.Cli;

/// <summary>
/// Runs a parsed command line and turns user mistakes into one line on stderr and exit code 2;
/// programming errors still surface with their stack trace (exit 1 from the runtime).
/// </summary>
public static class Runner
{
    public static int Invoke(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        try
        {
            // System.CommandLine would print UserError with its stack trace; let it reach the catch below.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserError e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}

/// <summary>A mistake the user can fix: the message names the problem and the fix, on one line.</summary>
public sealed class UserError(string message) : Exception(message);
