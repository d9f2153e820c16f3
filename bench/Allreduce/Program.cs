// The allreduce of one data-parallel step's gradients over loopback, as GradientSync does it (one flat float32 buffer:
// the parameters plus 3 statistics), for Mnist8k's and Cifar50k's parameter counts. Ranks are threads of this process,
// each with a process group of its own (TCP store and Gloo pairs over 127.0.0.1, as separate processes would have).
// Usage: dotnet run --project bench/Allreduce -c Release -- [ranks=2] [iterations=300]
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Norms.Torch;

var ranks = args.Length > 0 ? int.Parse(args[0]) : 2;
var iterations = args.Length > 1 ? int.Parse(args[1]) : 300;
LibTorch.Initialize(EngineOptions.Cpu);
foreach (var (name, parameters) in new[] { ("Mnist8k", 7_946), ("Cifar50k", 42_256) })
{
    int port;
    using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
    var perStep = new double[ranks];
    var threads = Enumerable.Range(0, ranks).Select(rank => new Thread(() =>
    {
        using var group = ProcessGroup.JoinTcp("127.0.0.1", port, rank, ranks, TimeSpan.FromSeconds(60), "127.0.0.1");
        using var grads = Tensor.Ones([parameters + 3]);
        for (var i = 0; i < 20; i++) group.AllReduceSum([grads]); // warm-up: connections, caches
        group.Barrier();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) group.AllReduceSum([grads]);
        perStep[rank] = clock.Elapsed.TotalMilliseconds / iterations;
    })).ToArray();
    foreach (var t in threads) t.Start();
    foreach (var t in threads) t.Join();
    var bytes = (parameters + 3) * 4;
    Console.WriteLine($"{name}: {parameters} params, {bytes / 1024.0:F1} KiB a step, {ranks} ranks, {iterations} allreduces: {perStep.Max() * 1000:F0} µs a step (slowest rank)");
}
