namespace Norms.Training.Bench;

/// <summary>The process's peak resident set (VmHWM in /proc/self/status), in KiB; -1 where there is no procfs.</summary>
public static class PeakRss
{
    public static long Kilobytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return -1;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return -1;
    }
}
