using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Norms.Experiments.Cli;

/// <summary>
/// `launch --nproc N -- run ...`: a plain torchrun for one machine. Starts N copies of this program, each with RANK,
/// WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR (127.0.0.1) and NORMS_STORE_FILE (a c10d FileStore in a fresh
/// temporary folder, removed afterwards: no port to choose, so no race for one) set and --distributed added, sharing this
/// terminal's output. SIGTERM and SIGHUP are forwarded to every rank as SIGTERM (they
/// then stop together as interrupted); SIGINT is not, since Ctrl+C already reaches every rank from the terminal. When a
/// rank fails, the others that have not stopped by themselves after <see cref="NoticeSeconds"/> are sent SIGTERM, and killed
/// after <see cref="GraceSeconds"/>.
/// Exits with the worst (highest) exit code of the ranks.
/// </summary>
internal static class LaunchVerb
{
    public const int MaxProcesses = 64;
    public const int GraceSeconds = 30;
    public const int NoticeSeconds = 5;

    public static Command Create()
    {
        var nproc = new Option<int>("--nproc") { Description = $"How many ranks to start on this machine (1..{MaxProcesses}).", Required = true };
        var rest = new Argument<string[]>("command") { Description = "After --: the `run ...` command each rank runs (--distributed is added).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("launch", "Start N ranks of a data-parallel job on this machine: launch --nproc N -- run EXPERIMENT [flags].");
        command.Options.Add(nproc);
        command.Arguments.Add(rest);
        command.SetAction(parse => Launch(parse.GetValue(nproc), parse.GetValue(rest) ?? []));
        return command;
    }

    /// <summary>Each rank's arguments: the command as given, with --distributed added when it is missing.</summary>
    internal static IReadOnlyList<string> RankArguments(IReadOnlyList<string> command)
    {
        if (command.Count == 0 || command[0] != "run")
            throw new UserError($"launch starts `run` ranks: give `launch --nproc N -- run EXPERIMENT ...`, not `{string.Join(' ', command)}`");
        return command.Contains("--distributed") ? command : [.. command, "--distributed"];
    }

    /// <summary>The worst exit code of the ranks: the highest (a signal's 128 + n above a failure's 1..3).</summary>
    internal static int Worst(IEnumerable<int> codes) => codes.DefaultIfEmpty(0).Max();

    private static int Launch(int count, IReadOnlyList<string> command)
    {
        if (count is < 1 or > MaxProcesses)
            throw new UserError($"--nproc must be in 1..{MaxProcesses}, got {count.ToString(CultureInfo.InvariantCulture)}; e.g. --nproc 2");
        var arguments = RankArguments(command);
        var meeting = Directory.CreateTempSubdirectory("norms-launch-");
        try
        {
            return Supervise(count, arguments, Path.Combine(meeting.FullName, "store"));
        }
        finally
        {
            try
            {
                meeting.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A rank still holding the store file is the only way here; the system's temp cleaning takes it later.
            }
        }
    }

    private static int Supervise(int count, IReadOnlyList<string> arguments, string storeFile)
    {
        var ranks = Enumerable.Range(0, count).Select(rank => StartRank(rank, count, storeFile, arguments)).ToArray();
        var forwarded = 0;
        void Forward(PosixSignalContext context)
        {
            context.Cancel = true;
            Interlocked.Exchange(ref forwarded, 1);
            Signal(ranks, Sigterm);
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Forward);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        Stopwatch? sinceFailure = null;
        var (termSent, killSent) = (false, false);
        while (ranks.Any(p => !p.HasExited))
        {
            Thread.Sleep(100);
            var failed = ranks.Select((p, rank) => (p, rank)).FirstOrDefault(r => r.p.HasExited && r.p.ExitCode != 0);
            if (failed.p is not null && sinceFailure is null && Volatile.Read(ref forwarded) == 0)
            {
                Console.Error.WriteLine($"launch: rank {failed.rank} exited with {failed.p.ExitCode}; the other ranks stop at their next collective, or are stopped");
                sinceFailure = Stopwatch.StartNew();
            }
            // The others usually notice a lost peer at once (a closed connection) and say so themselves; a rank that
            // cannot (waiting to join) is sent SIGTERM after a moment, and killed after the grace period.
            if (sinceFailure is { Elapsed.TotalSeconds: > NoticeSeconds } && !termSent)
            {
                termSent = true;
                Signal(ranks, Sigterm);
            }
            if (sinceFailure is { Elapsed.TotalSeconds: > GraceSeconds } && !killSent)
            {
                killSent = true;
                foreach (var p in ranks.Where(p => !p.HasExited)) p.Kill();
            }
        }
        var codes = ranks.Select(p => p.ExitCode).ToArray();
        foreach (var p in ranks) p.Dispose();
        return Worst(codes);
    }

    private static Process StartRank(int rank, int count, string storeFile, IReadOnlyList<string> arguments)
    {
        var (file, prefix) = ThisProgram();
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in prefix.Concat(arguments)) info.ArgumentList.Add(a);
        info.Environment["RANK"] = info.Environment["LOCAL_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        info.Environment["WORLD_SIZE"] = info.Environment["LOCAL_WORLD_SIZE"] = count.ToString(CultureInfo.InvariantCulture);
        info.Environment["MASTER_ADDR"] = "127.0.0.1";
        info.Environment[DistributedEnvironment.StoreFileVariable] = storeFile;
        return Process.Start(info) ?? throw new UserError($"launch could not start rank {rank} ({file})");
    }

    /// <summary>This program as it was started: its apphost, or `dotnet` and the entry assembly.</summary>
    private static (string File, string[] Prefix) ThisProgram()
    {
        var path = Environment.ProcessPath ?? throw new UserError("launch cannot tell which program this is (no process path)");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [Assembly.GetEntryAssembly()!.Location])
            : (path, []);
    }

    private const int Sigterm = 15;

    private static void Signal(IEnumerable<Process> ranks, int signal)
    {
        foreach (var p in ranks)
            if (!p.HasExited) _ = Kill(p.Id, signal);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
