using System.CommandLine;
using Norms.Experiments.Cli;

namespace Norms.Experiments;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Norms: a normalization lab. Train small CNNs with Batch, Group, Layer or Instance norm and compare them.");
        foreach (var verb in Verbs.All())
            root.Subcommands.Add(verb);
        return Cli.Runner.Invoke(root, args);
    }
}
