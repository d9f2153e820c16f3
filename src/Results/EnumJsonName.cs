using System.Reflection;
using System.Text.Json.Serialization;

namespace Norms.Results;

/// <summary>An enum value's JSON name (its JsonStringEnumMemberName): the word the files write, so what the console
/// and the reports print is the same word, from one place.</summary>
public static class EnumJsonName
{
    public static string Of<T>(T value) where T : struct, Enum =>
        Names<T>.Words.TryGetValue(value, out var word) ? word : value.ToString().ToLowerInvariant();

    private static class Names<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Words = Enum.GetValues<T>().ToDictionary(v => v,
            v => typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString().ToLowerInvariant());
    }
}
