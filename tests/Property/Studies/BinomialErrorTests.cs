using Norms.Studies;

namespace Norms.Property.Tests.Studies;

public sealed class BinomialErrorTests
{
    [Theory]
    // By hand: √(p(100 − p)/N). 99 % of 10,000: √(99/10,000) = √0.0099 = 0.099498743710662 pp;
    // 50 % of 100: √(2500/100) = 5 pp; 90 % of 1,000: √(900/1000) = √0.9 = 0.9486832980505138 pp; the ends have none.
    [InlineData(99.0, 10_000, 0.09949874371066199)]
    [InlineData(50.0, 100, 5.0)]
    [InlineData(90.0, 1_000, 0.9486832980505138)]
    [InlineData(100.0, 10_000, 0.0)]
    [InlineData(0.0, 10_000, 0.0)]
    public void The_standard_error_is_in_percentage_points(double accuracy, int images, double expected) =>
        Assert.Equal(expected, BinomialError.StandardErrorPp(accuracy, images), 1e-14);

    [Fact]
    public void It_shrinks_as_one_over_root_n_and_is_symmetric_in_p()
    {
        Assert.Equal(BinomialError.StandardErrorPp(97, 1_000) / 10, BinomialError.StandardErrorPp(97, 100_000), 1e-14);
        Assert.Equal(BinomialError.StandardErrorPp(3, 1_000), BinomialError.StandardErrorPp(97, 1_000), 1e-14);
    }

    [Fact]
    public void A_fraction_or_an_empty_test_set_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialError.StandardErrorPp(101, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialError.StandardErrorPp(double.NaN, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialError.StandardErrorPp(99, 0));
    }
}
