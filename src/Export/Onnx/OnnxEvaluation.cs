using Norms.Data;
using Norms.Training;

namespace Norms.Export.Onnx;

/// <summary>
/// The test pass of an .onnx classifier run by ONNX Runtime: raw test images scaled to [0, 1] (the graph normalizes them
/// itself), in batches; the mean negative log-likelihood, the accuracy and the confusion matrix, as <see cref="Evaluation"/>
/// gives them for the engine's model (no misclassified list: that is the report's, for runs).
/// </summary>
public static class OnnxEvaluation
{
    /// <summary>Batches of this many images: ONNX Runtime's per-call overhead is amortized well before it.</summary>
    public const int BatchSize = 256;

    public static EvaluationResult Run(OnnxRuntimeEval session, ImageSet test)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(test);
        if ((test.Channels, test.Height, test.Width) != (session.Channels, session.Height, session.Width))
            throw new OnnxModelException($"the model takes {session.Channels}x{session.Height}x{session.Width} images, the test set holds {test.Channels}x{test.Height}x{test.Width}; evaluate it on its own dataset (--dataset)");
        if (test.ClassCount > session.Classes)
            throw new OnnxModelException($"the model scores {session.Classes} classes, the test set has {test.ClassCount}; evaluate it on its own dataset (--dataset)");
        var confusion = Enumerable.Range(0, session.Classes).Select(_ => new int[session.Classes]).ToArray();
        var predictions = new byte[test.Count];
        double lossSum = 0;
        var perImage = test.PixelsPerImage;
        for (var start = 0; start < test.Count; start += BatchSize)
        {
            var count = Math.Min(BatchSize, test.Count - start);
            var pixels = new float[count * perImage];
            PixelNormalization.ToUnitRange(test.Pixels.AsSpan(start * perImage, count * perImage), pixels);
            var logProbs = session.Run(pixels, count);
            for (var i = 0; i < count; i++)
            {
                var row = logProbs.AsSpan(i * session.Classes, session.Classes);
                var label = test.Labels[start + i];
                var predicted = 0;
                for (var c = 1; c < row.Length; c++)
                    if (row[c] > row[predicted]) predicted = c; // the first of equal maxima, as argmax
                lossSum -= row[label];
                confusion[label][predicted]++;
                predictions[start + i] = (byte)predicted;
            }
        }
        var correct = confusion.Select((row, c) => row[c]).Sum();
        return new EvaluationResult(lossSum / test.Count, 100.0 * correct / test.Count, confusion, [], predictions);
    }
}
