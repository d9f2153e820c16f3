using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Norms.Models;

namespace Norms.Property.Tests.Models;

/// <summary>Console numbers read as decimals and mean exactly the double they print.</summary>
public class DecimalsTests
{
    [Theory]
    [InlineData(1e-5, "0.00001")]
    [InlineData(8.106e-5, "0.00008106")]
    [InlineData(0.1, "0.1")]
    [InlineData(0, "0")]
    [InlineData(12345.5, "12345.5")]
    [InlineData(-2.5e-7, "-0.00000025")]
    public void Small_factors_print_without_an_exponent(double v, string expected) => Assert.Equal(expected, Decimals.Readable(v));

    [Fact]
    public void Every_printed_number_parses_back_to_the_same_double() =>
        Prop.ForAll(Gen.Choose(-12, 14).SelectMany(e => Gen.Choose(1, 999_999).Select(m => m * Math.Pow(10, e - 6))).ToArbitrary(), v =>
        {
            var text = Decimals.Readable(v);
            Assert.Equal(v, double.Parse(text, CultureInfo.InvariantCulture));
            if (Math.Abs(v) is >= 1e-12 and < 1e15) Assert.DoesNotContain("E", text);
        }).QuickCheckThrowOnFailure();
}
