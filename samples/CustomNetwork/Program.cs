using Norms.Samples;

var (options, mistake) = SampleOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(mistake == SampleOptions.Usage ? mistake : $"error: {mistake}");
    return mistake == SampleOptions.Usage ? 0 : 2;
}
// Ctrl+C stops after the current step; the epochs already trained stay in result.json.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
return SampleRun.Run(options, Console.Out, Console.Error, Environment.GetEnvironmentVariable, stop.Token);
