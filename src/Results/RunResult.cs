using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Norms.Models;

namespace Norms.Results;

/// <summary>One epoch's numbers. Losses are mean NLL per sample (train without the L1 term, as the reference);
/// accuracies are percent; <see cref="Lr"/> is the learning rate after the epoch's last step;
/// <see cref="Seconds"/> (training plus evaluation) and <see cref="TrainSeconds"/> (the training loop alone, batch pipeline
/// included: what the reference's <c>train_seconds</c> measures) are the only fields that differ between identical runs.
/// Results written before <see cref="TrainSeconds"/> existed read it as 0. <see cref="ValLoss"/> and <see cref="ValAcc"/>
/// (percent) are the validation slice's, the model in evaluation mode after the epoch; null, and left out of the JSON, in a
/// run without one (spec validation 0). <see cref="TestLossPrecise"/> and <see cref="TestAccPrecise"/>: the test pass with
/// PreciseBN's population statistics (spec precise_bn), the run's own running statistics untouched; <see cref="TestLossBatchStats"/>
/// and <see cref="TestAccBatchStats"/>: the test pass normalized by each test batch's own statistics (64 images a batch), the
/// train/eval gap. All four are recorded with precise_bn on a model with a batch norm that tracks running statistics, else
/// null and left out of the JSON.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAcc, double TestLoss, double TestAcc, double Lr, double Seconds,
    double TrainSeconds = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValLoss = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValAcc = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TestLossPrecise = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TestAccPrecise = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TestLossBatchStats = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TestAccBatchStats = null);

/// <summary>A test image the model got wrong: its index in the test set, true label, prediction and exp(max log-prob).</summary>
public sealed record Misclassified(int Index, int Label, int Pred, double Confidence);

/// <summary>
/// What result.json holds. <see cref="Confusion"/> (rows = true label, columns = prediction) and
/// <see cref="Misclassified"/> (the first <see cref="Evaluation.MisclassifiedKept"/> by test index) describe the model
/// after the last completed epoch. Best values are over epochs (<see cref="Bests"/>): <see cref="BestTestAcc"/> and
/// <see cref="BestEpoch"/> the highest test accuracy (earliest on ties), <see cref="BestTestLoss"/> the lowest finite test
/// loss, <see cref="BestTrainAcc"/> the highest train accuracy. Timing fields end in "seconds" so a comparison can drop them. <see cref="Provenance"/> says
/// how the result was made; results written before it existed read it as null (the report says "not recorded").
/// <see cref="ValidationSamples"/>: the images held back from the training set for validation (spec validation), null and left
/// out of the JSON without them; <see cref="TrainSamples"/> counts the images left to train on.
/// </summary>
public sealed record RunResult(
    string Name,
    string Dataset,
    string Model,
    string Norm,
    double L1,
    double L2,
    long Params,
    ulong Seed,
    string Device,
    int Threads,
    int TrainSamples,
    int TestSamples,
    bool Augmentation,
    RunStatus Status,
    string? Message,
    IReadOnlyList<EpochRecord> Epochs,
    double? BestTestAcc,
    double? BestTestLoss,
    double? BestTrainAcc,
    int? BestEpoch,
    int[][] Confusion,
    IReadOnlyList<Misclassified> Misclassified,
    double TotalSeconds,
    JsonNode Spec,
    Provenance? Provenance = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ValidationSamples = null)
{
    /// <summary>The best-of fields recomputed from <see cref="Epochs"/> (<see cref="Bests"/>' rules).</summary>
    public RunResult WithBests()
    {
        var best = Bests.TestAccuracyEpoch(Epochs);
        return this with
        {
            BestTestAcc = best?.TestAcc,
            BestEpoch = best?.Epoch,
            BestTestLoss = Bests.TestLoss(Epochs),
            BestTrainAcc = Bests.TrainAccuracy(Epochs),
        };
    }

    public static JsonNode SpecNode(ExperimentSpec spec) => JsonNode.Parse(ExperimentSpecJson.Serialize(spec))!;

    /// <summary>The result of a run that failed before training began (its data, its folder): for the closing table
    /// only, never written, since the folder may belong to another run.</summary>
    public static RunResult FailedBeforeStart(ExperimentSpec spec, string message) =>
        new(spec.Name, spec.Dataset, spec.Model.Name, spec.Norm.ShortName, spec.L1, spec.L2, 0, spec.Seed, "", 0, 0, 0, spec.Augmentation,
            RunStatus.Failed, message, [], null, null, null, null, [], [], 0, SpecNode(spec));
}
