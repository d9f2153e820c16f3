using System.Text.RegularExpressions;

namespace Norms.Experiments.Cli;

/// <summary>The command line as a result records it: the arguments as given, joined by spaces, each quoted the way a
/// POSIX shell would need it (so the line can be pasted back), and only then.</summary>
public static partial class CommandLineText
{
    public static string Join(IEnumerable<string> args) => string.Join(' ', args.Select(Quote));

    public static string Quote(string arg) =>
        arg.Length > 0 && Plain().IsMatch(arg) ? arg : "'" + arg.Replace("'", "'\\''") + "'";

    // Characters no shell gives a meaning to in a word.
    [GeneratedRegex(@"^[A-Za-z0-9_./:=@%+,-]+$")]
    private static partial Regex Plain();
}
