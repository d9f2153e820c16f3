using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Norms.Property.Tests.Reliability;

/// <summary>The real `Norms.Experiments` executable (copied beside the tests by the project reference), or a script of the
/// checkout that starts it, as a child process, with its output lines collected as they arrive so a test can act at a
/// given moment.</summary>
internal sealed class CliProcess : IDisposable
{
    public static string Exe => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Norms.Experiments.exe" : "Norms.Experiments");

    private readonly Process process;
    private readonly ConcurrentQueue<string> stdout = new(), stderr = new();

    private CliProcess(IEnumerable<string> args) : this(Exe, args) { }

    private CliProcess(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static CliProcess Start(params string[] args) => new(args);

    /// <summary>Starts scripts/SCRIPT of this checkout through setsid, as a batch system or a service manager starts a job: in a
    /// process group of its own whose id is the child's id (setsid does not fork when its caller leads no group, and a
    /// child of this process does not), so <see cref="SignalGroup"/> reaches everything the script started.</summary>
    public static CliProcess StartScriptInOwnGroup(string script, params string[] args) => new("setsid", [Script(script), .. args]);

    private static string Script(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", name))) return Path.Combine(dir.FullName, "scripts", name);
        throw new FileNotFoundException($"scripts/{name} not found above the test binaries");
    }

    /// <summary>Runs to the end; fails the test when it takes more than a minute.</summary>
    public static CliProcess Run(params string[] args)
    {
        var p = new CliProcess(args);
        p.WaitForExit();
        return p;
    }

    public int Id => process.Id;
    public IReadOnlyList<string> Out => [.. stdout];
    public IReadOnlyList<string> Err => [.. stderr];

    public int WaitForExit(int seconds = 60)
    {
        if (!process.WaitForExit(TimeSpan.FromSeconds(seconds)))
        {
            process.Kill();
            throw new Xunit.Sdk.XunitException($"the CLI did not exit within {seconds} s; output:\n{string.Join('\n', Out)}\n{string.Join('\n', Err)}");
        }
        process.WaitForExit(); // drains the output readers
        return process.ExitCode;
    }

    public int ExitCode => process.ExitCode;

    /// <summary>Waits until a line of standard output satisfies <paramref name="match"/>; false when the process ends first.</summary>
    public bool WaitForLine(Func<string, bool> match, int seconds = 60) => WaitFor(stdout, match, seconds);

    /// <summary>Likewise for standard error.</summary>
    public bool WaitForErrorLine(Func<string, bool> match, int seconds = 60) => WaitFor(stderr, match, seconds);

    private bool WaitFor(ConcurrentQueue<string> lines, Func<string, bool> match, int seconds)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (lines.Any(match)) return true;
            if (process.HasExited)
            {
                // The async reader may still hold the last lines: WaitForExit() without a timeout waits for it to drain.
                process.WaitForExit();
                return lines.Any(match);
            }
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>Sends a POSIX signal (INT, KILL, TERM, HUP) as a user or a supervisor would.</summary>
    public void Signal(string name) => Kill(name, process.Id.ToString());

    /// <summary>Sends it to the process group this process leads (see <see cref="StartScriptInOwnGroup"/>), as Slurm, docker
    /// stop, systemd and Kubernetes do.</summary>
    public void SignalGroup(string name) => Kill(name, "-" + process.Id);

    private void Kill(string signal, string target)
    {
        // Once reaped, the number may be given to another process (or to a thread: kill(2) on a thread id reaches its whole
        // process, this test host included); a child that has ended needs no signal.
        if (process.HasExited) return;
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} -- {target}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>The process group this process is in, from /proc/PID/stat (the third field after the parenthesized name).</summary>
    public int ProcessGroup()
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);
    }

    /// <summary>What this process runs now, after any exec: the executable's file name, or for `dotnet X.dll` the dll's.</summary>
    public string Program()
    {
        var args = File.ReadAllText($"/proc/{process.Id}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var exe = Path.GetFileName(new FileInfo($"/proc/{process.Id}/exe").LinkTarget ?? "");
        return exe == "dotnet" && args.Length > 1 ? Path.GetFileName(args[1]) : exe;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.Dispose();
    }

    /// <summary>result.json without the fields that hold wall-clock seconds, and without its provenance (it describes the
    /// process that wrote the file: a resumed run's command line has --resume, another --out another folder): equal for
    /// equal runs under determinism.</summary>
    public static string Comparable(string resultFile)
    {
        var node = JsonNode.Parse(File.ReadAllText(resultFile))!;
        node.AsObject().Remove("provenance");
        Strip(node);
        return node.ToJsonString();

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).Where(k => k.EndsWith("seconds", StringComparison.Ordinal)).ToList()) o.Remove(key);
                foreach (var p in o) Strip(p.Value);
            }
            else if (n is JsonArray a)
                foreach (var item in a) Strip(item);
        }
    }
}
