using System.CommandLine;
using Norms.Experiments.Cli;

namespace Norms.Experiments;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Norms: a normalization lab. Train small CNNs with Batch, Group, Layer or Instance norm and compare them.");
        // The arguments go down as they were given: a result records the command line that made it.
        foreach (var verb in Verbs.All(args))
            root.Subcommands.Add(verb);
        return Cli.Runner.Invoke(root, args);
    }
}
