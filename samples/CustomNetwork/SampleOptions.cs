namespace Norms.Samples;

/// <summary>What the sample's command line sets. Parse returns the options or the one-line mistake to print.</summary>
public sealed record SampleOptions(string Out = "artifacts/samples", string? DataDir = null, int Epochs = 3,
    int? LimitTrain = null, int? LimitTest = null, int Threads = 0)
{
    public const string Usage = "usage: dotnet run --project samples/CustomNetwork -- [--out DIR] [--data-dir DIR] [--epochs N] [--limit-train N] [--limit-test N] [--threads N]";

    public static (SampleOptions? Options, string? Mistake) Parse(IReadOnlyList<string> args)
    {
        var options = new SampleOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (name is "-h" or "--help") return (null, Usage);
            if (i + 1 >= args.Count) return (null, $"{name} needs a value; {Usage}");
            var value = args[i + 1];
            int? Count() => int.TryParse(value, out var n) && n > 0 ? n : null;
            SampleOptions? next = name switch
            {
                "--out" => options with { Out = value },
                "--data-dir" => options with { DataDir = value },
                "--epochs" => Count() is { } e ? options with { Epochs = e } : null,
                "--limit-train" => Count() is { } t ? options with { LimitTrain = t } : null,
                "--limit-test" => Count() is { } t ? options with { LimitTest = t } : null,
                "--threads" => Count() is { } t ? options with { Threads = t } : null,
                _ => null,
            };
            if (next is null)
                return (null, name.StartsWith("--") && Usage.Contains(name + " ") ? $"{name} takes a whole number above 0, not '{value}'" : $"unknown option {name}; {Usage}");
            options = next;
        }
        return (options, null);
    }
}
