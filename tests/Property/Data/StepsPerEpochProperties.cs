using FsCheck;
using FsCheck.Fluent;
using Norms.Data;

namespace Norms.Property.Tests.Data;

/// <summary>An epoch's batches: full ones, then what is left unless that is a single image (dropped: one sample has no
/// batch statistics), so every batch of a set of two or more images holds at least two.</summary>
public sealed class StepsPerEpochProperties
{
    [Property(MaxTest = 2000)]
    public FsCheck.Property Every_batch_holds_two_images_or_more_and_at_most_one_image_is_left_out()
    {
        var cases = from images in Gen.Choose(0, 5000) from batch in Gen.Choose(1, 300) select (images, batch);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (images, batch) = c;
            var steps = BatchOrder.StepsPerEpoch(images, batch);
            var trained = Math.Min(images, steps * batch);
            var last = trained - (steps - 1) * batch;
            Assert.InRange(images - trained, 0, 1);
            if (images - trained == 1) Assert.Equal(1, images % batch); // only a lone remainder is ever dropped
            if (steps > 0 && batch > 1 && images > 1) Assert.True(last >= 2, $"{images} images at batch {batch}: last batch {last}");
            if (images % batch != 1) Assert.Equal((images + batch - 1) / batch, steps); // otherwise PyTorch's ceil(n / b)
        });
    }

    [Theory]
    [InlineData(60_000, 64, 938)]
    [InlineData(1_025, 64, 16)]
    [InlineData(1_026, 64, 17)]
    [InlineData(1, 64, 1)]
    [InlineData(7, 1, 7)]
    [InlineData(0, 8, 0)]
    public void Known_epochs(int images, int batch, int steps) => Assert.Equal(steps, BatchOrder.StepsPerEpoch(images, batch));
}
