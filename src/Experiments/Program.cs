using System.CommandLine;
using Norms.Experiments.Cli;
using Norms.Torch;

namespace Norms.Experiments;

public static class Program
{
    public static int Main(string[] args)
    {
        // The edge: the engine's switches are read from the environment once, here, and the runtime settings that must
        // precede libtorch's loading are made before anything calls into it. Flags then refine the value per verb.
        var engine = EngineOptions.FromEnvironment(Environment.GetEnvironmentVariable, Device.Cpu, Environment.ProcessorCount);
        Norms.Torch.LibTorch.Initialize(engine);
        var root = new RootCommand("Norms: a normalization lab. Train small CNNs with Batch, Group, Layer or Instance norm and compare them.");
        // The arguments go down as they were given: a result records the command line that made it.
        foreach (var verb in Verbs.All(args, engine))
            root.Subcommands.Add(verb);
        return Cli.Runner.Invoke(root, args);
    }
}
