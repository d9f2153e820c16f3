using Norms.Data;
using Norms.Models;

namespace Norms.Training;

/// <summary>The augmentation a run trains with: none unless the spec asks for it and the data is a known dataset
/// (an idx: folder has none), else the dataset's own (<see cref="DatasetLoader.DefaultAugmentation"/>), with the spec's
/// crop_padding in place of CIFAR-10's 4 (0: the flip alone, since a crop of an unpadded image is the image).</summary>
public static class TrainingAugmentation
{
    public static Augmentation For(ExperimentSpec spec, string datasetName)
    {
        if (!spec.Augmentation || DatasetSource.TryParse(datasetName) is not { } source) return new Augmentation.None();
        var augmentation = DatasetLoader.DefaultAugmentation(source);
        return spec.CropPadding is { } padding && augmentation is Augmentation.RandomCropFlip cropFlip ? cropFlip with { Padding = padding } : augmentation;
    }
}
