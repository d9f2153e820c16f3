using System.Runtime.InteropServices;

namespace Norms.Experiments.Cli;

/// <summary>
/// SIGINT (Ctrl+C), SIGTERM (kill, Slurm, docker stop, systemd, Kubernetes) and SIGHUP (a closed terminal) while runs are
/// going: the first one asks the run to stop after its current step and remembers which signal it was, so the process
/// can exit with 128 + its number as shells report a process a signal ended; a second one ends the process at once.
/// </summary>
/// <remarks>
/// Ending at once is safe because every file a run writes goes to a temporary name and is renamed into place: what is
/// there is the last complete version. It uses _exit rather than Environment.Exit or the runtime's default action
/// (which, for SIGTERM, runs a graceful shutdown): the main thread may be inside libtorch, and neither exit handlers nor
/// C++ static destructors should run under it. The lock and any half-written temporary file stay behind; the next run
/// treats the lock as stale (its process is gone) and removes the temporary files.
/// </remarks>
internal sealed class StopSignals : IDisposable
{
    /// <summary>The exit code of a run stopped by the caller's token rather than a signal: that of SIGINT, as before.</summary>
    public const int CancelledExit = 128 + 2;

    private readonly CancellationTokenSource stop;
    private readonly PosixSignalRegistration[] registrations;
    private int first; // the number of the first signal received; 0 until one comes

    public StopSignals(CancellationToken outer)
    {
        stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    /// <summary>Cancelled by the first signal (or by the caller's token).</summary>
    public CancellationToken Token => stop.Token;

    /// <summary>128 + the number of the signal that stopped the run (SIGINT 130, SIGTERM 143, SIGHUP 129).</summary>
    public int ExitCode => Volatile.Read(ref first) is var n and > 0 ? 128 + n : CancelledExit;

    /// <summary>The POSIX number; the enum's values are the runtime's own (negative) codes. Same on Linux and macOS.</summary>
    internal static int Number(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGTERM => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a stop signal"),
    };

    private void OnSignal(PosixSignalContext context)
    {
        var number = Number(context.Signal);
        // The runtime would otherwise apply the signal's default action (end the process) after this handler.
        context.Cancel = true;
        if (Interlocked.CompareExchange(ref first, number, 0) == 0)
        {
            // Said at once: the current step, or a test pass and a checkpoint that are under way, can take seconds.
            Console.Error.WriteLine($"{context.Signal}: stopping after the current step (send it again to stop at once)");
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The runs ended while this handler ran: there is nothing left to stop.
            }
            return;
        }
        Console.Error.WriteLine($"{context.Signal} again: stopped at once; the files of the last completed epoch are intact, run again with --resume");
        ExitNow(128 + number);
    }

    private static void ExitNow(int code)
    {
        if (OperatingSystem.IsWindows()) Environment.Exit(code);
        else SysExit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void SysExit(int status);

    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        stop.Dispose();
    }
}
