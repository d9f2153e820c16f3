using System.Net;
using System.Net.Sockets;
using Norms.Torch;
using Xunit;

namespace Norms.Tests;

/// <summary>Two ranks of a process group as two threads of the test process, each joining a group of its own (what two
/// processes would hold); linked into the engine and property test projects.</summary>
internal static class TwoRanksOnThreads
{
    /// <summary>A loopback port the system has just handed out.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Ranks 0 and 1 on a TCP store over loopback at a fresh port.</summary>
    public static Func<int, ProcessGroup> Tcp(TimeSpan timeout)
    {
        var port = FreePort();
        return rank => ProcessGroup.JoinTcp("127.0.0.1", port, rank, 2, timeout, "127.0.0.1");
    }

    /// <summary>Runs <paramref name="body"/> as ranks 0 and 1, each in the group <paramref name="join"/> gives it; fails
    /// when a rank does not finish within <paramref name="limit"/>, and rethrows a rank's failure.</summary>
    public static T[] Run<T>(Func<int, ProcessGroup> join, Func<ProcessGroup, T> body, TimeSpan limit)
    {
        var results = new T[2];
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(rank => new Thread(() =>
        {
            try
            {
                using var group = join(rank);
                results[rank] = body(group);
            }
            catch (Exception e)
            {
                errors[rank] = e;
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(limit), $"a rank did not finish within {limit.TotalSeconds:0} s");
        foreach (var e in errors) if (e is not null) throw new Exception("a rank failed", e);
        return results;
    }
}
