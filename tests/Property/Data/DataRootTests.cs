using Norms.Models;
using Norms.Data;
using Xunit;

namespace Norms.Property.Tests.Data;

public sealed class DataRootTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Option_wins_over_environment_and_cache()
    {
        Assert.Equal("/opt/data", DataRoot.Resolve("/opt/data", Env(("NORMS_DATA", "/env"), ("HOME", "/home/u"))));
    }

    [Fact]
    public void Environment_variable_comes_next()
    {
        Assert.Equal("/env/data", DataRoot.Resolve(null, Env(("NORMS_DATA", "/env/data"), ("XDG_CACHE_HOME", "/xdg"))));
        Assert.Equal("/env/data", DataRoot.Resolve("  ", Env(("NORMS_DATA", "/env/data"))));
    }

    [Fact]
    public void Per_user_cache_is_the_fallback()
    {
        Assert.Equal("/xdg/norms", DataRoot.Resolve(null, Env(("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u"))));
        Assert.Equal("/home/u/.cache/norms", DataRoot.Resolve(null, Env(("XDG_CACHE_HOME", "relative/ignored"), ("HOME", "/home/u"))));
        Assert.Equal("/home/u/.cache/norms", DataRoot.Resolve(null, Env(("HOME", "/home/u"))));
    }

    [Fact]
    public void Nothing_set_is_a_clear_error()
    {
        var e = Assert.Throws<DataUnavailableException>(() => DataRoot.Resolve(null, Env()));
        Assert.Contains("--data-dir", e.Message);
    }

    [Fact]
    public void Layout_matches_the_shared_data_folder()
    {
        Assert.Equal("/r/mnist", DataRoot.MnistFolder("/r"));
        Assert.Equal("/r/cifar-10/cifar-10-binary.tar.gz", DataRoot.CifarArchive("/r"));
    }

    [Theory]
    [InlineData("mnist", "mnist")]
    [InlineData("MNIST", "mnist")]
    [InlineData("cifar10", "cifar10")]
    [InlineData("cifar-10", "cifar10")]
    [InlineData("idx:/some/folder", "idx:/some/folder")]
    public void Dataset_names_parse(string text, string expected) => Assert.Equal(expected, DatasetSource.TryParse(text)!.ToString());

    [Theory]
    [InlineData("idx:")]
    [InlineData("imagenet")]
    [InlineData("")]
    public void Unknown_dataset_names_do_not_parse(string text) => Assert.Null(DatasetSource.TryParse(text));
}
