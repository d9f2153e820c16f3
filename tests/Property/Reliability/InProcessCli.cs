using Norms.Experiments;

namespace Norms.Property.Tests.Reliability;

/// <summary>Program.Main in this process with its console captured: exit code, standard output, standard error.</summary>
internal static class InProcessCli
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (Program.Main(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    /// <summary>The shape of a user error: exit 2 and exactly one line on stderr, "error: ...", no stack trace.</summary>
    public static string AssertOneLineUserError((int Exit, string Out, string Err) r)
    {
        Assert.True(r.Exit == 2, $"expected exit 2, got {r.Exit}; stderr: {r.Err}");
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("   at ", r.Err);
        return line;
    }
}
