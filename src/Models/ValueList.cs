using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Norms.Models;

/// <summary>
/// An immutable list compared by its elements, so records that hold one keep value equality
/// (a plain array or List would compare by reference). Build it with a collection expression:
/// <c>ValueList&lt;int&gt; xs = [1, 2, 3];</c>
/// </summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly ImmutableArray<T> items;

    public static ValueList<T> Empty { get; } = new(ImmutableArray<T>.Empty);

    public ValueList(IEnumerable<T> items) => this.items = [.. items];

    private ValueList(ImmutableArray<T> items) => this.items = items;

    internal static ValueList<T> Wrap(ImmutableArray<T> items) => new(items);

    public int Count => items.Length;

    public T this[int index] => items[index];

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ValueList<T>? other) =>
        other is not null && (ReferenceEquals(this, other) || items.SequenceEqual(other.items, EqualityComparer<T>.Default));

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    public static bool operator ==(ValueList<T>? left, ValueList<T>? right) => Equals(left, right);

    public static bool operator !=(ValueList<T>? left, ValueList<T>? right) => !Equals(left, right);

    public override string ToString() => "[" + string.Join(", ", items) + "]";
}

/// <summary>Builders for <see cref="ValueList{T}"/> (used by collection expressions).</summary>
public static class ValueList
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => ValueList<T>.Wrap([.. items]);

    public static ValueList<T> Of<T>(params T[] items) => ValueList<T>.Wrap([.. items]);
}
