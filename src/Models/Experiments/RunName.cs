using System.Text;

namespace Norms.Models;

/// <summary>
/// The rule for an experiment's (and a study's) name, which names the folder OUT/NAME its files go into: a name, never
/// a path. ASCII letters, digits, '.', '_' and '-', not starting with '.', at most <see cref="MaxLength"/> characters,
/// and not a device name Windows reserves (so a results folder copied to any system stays a folder).
/// </summary>
public static class RunName
{
    public const int MaxLength = 100;

    public const string Rule = "use ASCII letters, digits, '.', '_' and '-' (at most 100, not starting with '.', not a device name such as CON or NUL), e.g. \"mnist-bn\"";

    private static readonly HashSet<string> Reserved = new(
        ["CON", "PRN", "AUX", "NUL", .. Enumerable.Range(1, 9).SelectMany(i => new[] { $"COM{i}", $"LPT{i}" })],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>What is wrong with <paramref name="name"/> as a run name (one line, naming the rule), or null when it is fine.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return $"the experiment needs a name; {Rule}";
        var shown = Shown(name);
        if (name.Length > MaxLength) return $"'{shown}' is {name.Length} characters long; {Rule}";
        if (name[0] == '.') return $"'{shown}' starts with '.'; {Rule}";
        var bad = name.AsSpan().IndexOfAnyExcept(Allowed);
        if (bad >= 0)
            return $"'{shown}' holds {Describe(name[bad])}, which a name may not; {Rule}";
        if (Reserved.Contains(name.Split('.')[0])) return $"'{shown}' is a reserved device name; {Rule}";
        return null;
    }

    private static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    private static string Describe(char c) => c switch
    {
        '/' or '\\' => $"a path separator '{c}'",
        '\0' => "a NUL character",
        _ when char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) => $"the character U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    // Hostile names end up in an error message: keep it one printable line of bounded length.
    private static string Shown(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name.Take(40)) text.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        if (name.Length > 40) text.Append('…');
        return text.ToString();
    }
}
