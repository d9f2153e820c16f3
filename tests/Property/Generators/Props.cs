using FsCheck;
using FsCheck.Fluent;

namespace Norms.Property.Tests.Generators;

/// <summary>Runs an FsCheck property inside an xunit fact; a failing case throws with its counterexample.</summary>
public static class Props
{
    public static void ForAll<T>(Gen<T> gen, Action<T> property, int maxTest = 60) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(Arb.From(gen), property));
}
