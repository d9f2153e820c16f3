namespace Norms.Data;

/// <summary>
/// Where datasets live: the --data-dir option, else the NORMS_DATA environment variable, else a per-user
/// cache ($XDG_CACHE_HOME/norms, or ~/.cache/norms). Under it: mnist/*.gz and cifar-10/cifar-10-binary.tar.gz.
/// </summary>
public static class DataRoot
{
    public const string EnvironmentVariable = "NORMS_DATA";

    /// <summary>Pure: the environment is passed as a lookup so tests need not touch the process environment.</summary>
    public static string Resolve(string? optionValue, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(optionValue)) return Path.GetFullPath(optionValue);
        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        // The XDG spec says relative values are invalid and must be ignored.
        var xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "norms");
        var home = environment("HOME") is { Length: > 0 } h ? h : environment("USERPROFILE");
        if (!string.IsNullOrWhiteSpace(home)) return Path.Combine(home, ".cache", "norms");
        throw new DataUnavailableException(
            $"no data folder: --data-dir, {EnvironmentVariable}, XDG_CACHE_HOME and HOME are all unset; pass --data-dir PATH or set {EnvironmentVariable}.");
    }

    public static string MnistFolder(string root) => Path.Combine(root, "mnist");
    public static string CifarFolder(string root) => Path.Combine(root, "cifar-10");
    public static string CifarArchive(string root) => Path.Combine(CifarFolder(root), Cifar10Reader.ArchiveName);
}
