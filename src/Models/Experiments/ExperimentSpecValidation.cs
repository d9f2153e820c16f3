using System.Globalization;

namespace Norms.Models;

/// <summary>
/// The value rules of an <see cref="ExperimentSpec"/>, apart from how it is read: every problem with its field's JSON
/// path ("$.optimizer.momentum") and a fix. <see cref="ExperimentSpecJson.Parse"/> applies them to a file it has read;
/// the command line applies them to a spec after its overrides.
/// </summary>
public static class ExperimentSpecValidation
{
    /// <summary>Every value problem of an experiment, with JSON paths; empty when it can run.</summary>
    public static IReadOnlyList<SpecError> Validate(ExperimentSpec spec)
    {
        var errors = new List<SpecError>();
        void Error(string path, string message) => errors.Add(new SpecError(path, message));
        if (RunName.Problem(spec.Name) is { } nameProblem)
            Error("$.name", nameProblem);
        var source = spec.Source;
        if (source is null)
            Error("$.dataset", $"unknown dataset '{spec.Dataset}'; use {DatasetSource.Syntax} (a folder of MNIST-format idx files)");
        var builtIn = (spec.Model as BuiltInModel)?.BuiltIn;
        var modelKnown = builtIn is not null && Architectures.Names.Contains(builtIn);
        if (spec.Model is InlineModel { Network: var network })
            InlineModelRules(errors, spec, network, source);
        else if (!modelKnown)
            Error("$.model", $"unknown model '{builtIn}'; use one of {string.Join(", ", Architectures.Names)}, or write a network object (docs/SPEC.md, \"Inline models\")");
        else if ((builtIn, source) is (Architectures.Mnist8kName, DatasetSource.Cifar10) or (Architectures.Cifar50kName, DatasetSource.Mnist))
            Error("$.model", $"{spec.Model} does not take {source} images; use {(source is DatasetSource.Mnist ? Architectures.Mnist8kName : Architectures.Cifar50kName)}");
        else if ((builtIn, source) is (Architectures.Cifar50kName, DatasetSource.Idx))
            Error("$.model", $"{spec.Model} takes 3-channel images and an idx folder holds 1-channel ones; use {Architectures.Mnist8kName}");
        NonNegative(errors, "$.l1", spec.L1);
        NonNegative(errors, "$.l2", spec.L2);
        if (spec.Dropout is { } p && !(p >= 0 && p < 1))
            Error("$.dropout", $"dropout must be in [0, 1), got {F(p)}; use e.g. 0.05, 0 for none, or leave it out for the model's default");
        if (spec.Epochs < 1)
            Error("$.epochs", $"epochs must be >= 1, got {spec.Epochs}");
        if (spec.BatchSize < 1)
            Error("$.batch_size", $"batch_size must be >= 1, got {spec.BatchSize}; use e.g. 64");
        if (ValidationProblem(spec.Validation) is { } validationProblem)
            Error("$.validation", validationProblem);
        if (PreciseBnProblem(spec.PreciseBn) is { } preciseProblem)
            Error("$.precise_bn", preciseProblem);
        if (CropPaddingProblem(spec) is { } cropProblem)
            Error("$.crop_padding", cropProblem);
        if (spec.Norm is null && spec.Model is InlineModel)
            Error("$.model.norm", "the inline model has no norm and the experiment gives none; give the model a default norm here, e.g. { \"kind\": \"batch\" }, or the experiment one at $.norm");
        else if (spec.Norm is null)
            Error("$.norm", "norm is missing; give e.g. { \"kind\": \"batch\" }");
        else if (modelKnown && spec.Dropout is null or (>= 0 and < 1))
            foreach (var e in ModelValidation.Validate(spec.ToModelSpec() with { Regularization = Regularization.None }))
                Error("$.norm", $"at {e.Path} of {spec.Model}: {e.Message}");
        Optimizer(errors, spec);
        Schedule(errors, spec.Schedule);
        return errors;
    }

    /// <summary>The image shape and classes of the datasets whose files say them up front (an idx folder's images are
    /// one-channel, their size and labels are read with the files).</summary>
    private static (int Channels, int Height, int Width, int Classes)? Images(DatasetSource? source) => source switch
    {
        DatasetSource.Mnist => (1, 28, 28, 10),
        DatasetSource.Cifar10 => (3, 32, 32, 10),
        _ => null,
    };

    /// <summary>
    /// An inline network: shape inference and <see cref="ModelValidation"/> (one home for every network rule) on the model it
    /// trains as, with their layer paths turned into the file's JSON paths ("c1.norm" -> "$.model.layers[0].norm"), and the
    /// network against the dataset's images.
    /// </summary>
    private static void InlineModelRules(List<SpecError> errors, ExperimentSpec spec, NetworkSpec network, DatasetSource? source)
    {
        var input = network.Input;
        if (input is not null && Images(source) is { } images)
        {
            if ((input.Channels, input.Height, input.Width) != (images.Channels, images.Height, images.Width))
                errors.Add(new("$.model.input", $"{source} images are {images.Channels}x{images.Height}x{images.Width}, the model takes {input}; use [{images.Channels}, {images.Height}, {images.Width}]"));
            if (network.Classes != images.Classes)
                errors.Add(new("$.model.classes", $"{source} has {images.Classes} classes, the model {network.Classes}; use {images.Classes}"));
        }
        else if (input is not null && source is DatasetSource.Idx && input.Channels != 1)
            errors.Add(new("$.model.input", $"an idx folder holds 1-channel images, the model takes {input.Channels} channels; use [1, H, W]"));
        var topDropout = spec.Dropout is >= 0 and < 1; // an invalid one is reported at $.dropout above
        var model = network.ToModelSpec(spec.Norm ?? network.Norm ?? new NoNorm(), topDropout ? spec.Dropout!.Value : network.Dropout, Regularization.None);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        if (network.Layers is not null)
            LayerPaths(paths, network.Layers, "", "$.model");
        foreach (var e in ModelValidation.Validate(model))
            errors.Add(new(JsonPath(e.Path, paths, spec, topDropout), e.Message));
    }

    // Each layer's path as ShapeInference names it (by name when it has one, else by index) -> its JSON path.
    private static void LayerPaths(Dictionary<string, string> paths, ValueList<Layer> layers, string path, string json)
    {
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var child = layer?.Name is { } n ? (path.Length == 0 ? n : $"{path}.{n}") : $"{(path.Length == 0 ? "layers" : path)}[{i}]";
            var childJson = $"{json}.layers[{i}]";
            paths.TryAdd(child, childJson);
            paths.TryAdd($"{(path.Length == 0 ? "layers" : path)}[{i}]", childJson); // what a named layer's own errors may use (a duplicate name)
            if (layer is Sequential { Layers: { } inner })
                LayerPaths(paths, inner, child, childJson);
        }
    }

    private static string JsonPath(string path, Dictionary<string, string> layers, ExperimentSpec spec, bool topDropout)
    {
        var at = path;
        while (at.Length > 0 && !layers.ContainsKey(at))
            at = at.LastIndexOf('.') is var dot and > 0 ? at[..dot] : "";
        if (at.Length > 0)
            return layers[at] + path[at.Length..];
        return path switch
        {
            "norm" => spec.Norm is null ? "$.model.norm" : "$.norm",
            "dropout" => topDropout ? "$.dropout" : "$.model.dropout",
            _ => "$.model." + path,
        };
    }

    /// <summary>
    /// The one rule for AdamW and L2: l2 is coupled weight decay (added to the gradient), which AdamW exists to replace by
    /// its decoupled weight_decay; mixing the two is refused rather than given a meaning. Validation reports it at $.l2
    /// (<see cref="AdamWWithL2"/>); the trainer's optimizer factory refuses to build such an optimizer.
    /// </summary>
    public static bool AdamWRefusesL2(ExperimentSpec spec) => spec is { Optimizer: AdamW, L2: > 0 };

    public const string AdamWWithL2 =
        "l2 (coupled weight decay) does not combine with adamw, whose weight_decay is decoupled; set optimizer.weight_decay instead, or use sgd or adam with l2";

    /// <summary>The rule of <see cref="ExperimentSpec.Validation"/> on its own: a whole number >= 0 (0 = no validation slice).</summary>
    public static string? ValidationProblem(int validation) =>
        validation < 0 ? $"validation must be >= 0 (training images held back for validation; 0 for none), got {validation}; use e.g. 5000, or 0" : null;

    /// <summary>The rule of <see cref="ExperimentSpec.Validation"/> against the data, checked where the training set is known
    /// (after --limit-train): the slice must leave at least one training image. Null when it does.</summary>
    public static string? ValidationLeavesNoTraining(int validation, int trainingImages) =>
        validation > 0 && validation >= trainingImages
            ? $"validation {validation} leaves no training images (the training set has {trainingImages}); use fewer"
            : null;

    /// <summary>The largest crop padding: a quarter of CIFAR-10's 32 pixels.</summary>
    public const int MaxCropPadding = 8;

    /// <summary>The rule of <see cref="ExperimentSpec.CropPadding"/>: CIFAR-10's crop-and-flip augmentation only (MNIST's is a
    /// rotation), 0 (flip only) to <see cref="MaxCropPadding"/>.</summary>
    public static string? CropPaddingProblem(ExperimentSpec spec) => spec.CropPadding switch
    {
        null => null,
        _ when !spec.Augmentation || spec.Source is not DatasetSource.Cifar10 =>
            "crop_padding sets CIFAR-10's random crop (its augmentation: crop, then flip); use it with \"dataset\": \"cifar10\" and \"augmentation\": true, or remove it (\"crop_padding\": null over a built-in cifar10-* experiment, which sets 0)",
        < 0 or > MaxCropPadding => $"crop_padding must be 0 (flip only) to {MaxCropPadding} pixels, got {spec.CropPadding}; the default is 4",
        _ => null,
    };

    /// <summary>The rule of <see cref="ExperimentSpec.PreciseBn"/> on its own: a whole number >= 0 (0 = off).</summary>
    public static string? PreciseBnProblem(int images) =>
        images < 0 ? $"precise_bn must be >= 0 (training images PreciseBN recomputes the batch norm statistics from; 0 for off), got {images}; use e.g. 2048, or 0" : null;

    /// <summary>The rule of <see cref="ExperimentSpec.PreciseBn"/> against the data, checked where the training set is known (after
    /// --limit-train and the validation slice): at most the images left to train on. Null when it holds.</summary>
    public static string? PreciseBnExceedsTraining(int images, int trainingImages) =>
        images > trainingImages
            ? $"precise_bn {images} is more than the {trainingImages} training images; use at most {trainingImages}"
            : null;

    private static void Optimizer(List<SpecError> errors, ExperimentSpec spec)
    {
        void Error(string path, string message) => errors.Add(new SpecError(path, message));
        switch (spec.Optimizer)
        {
            case null:
                Error("$.optimizer", "optimizer is missing; give e.g. { \"kind\": \"sgd\", \"lr\": 0.01, \"momentum\": 0.9 }");
                break;
            case Sgd sgd:
                Positive(errors, "$.optimizer.lr", sgd.Lr);
                if (!(sgd.Momentum >= 0 && sgd.Momentum < 1))
                    Error("$.optimizer.momentum", $"momentum must be in [0, 1), got {F(sgd.Momentum)}; use e.g. 0.9");
                if (sgd.Nesterov && !(sgd.Momentum > 0))
                    Error("$.optimizer.nesterov", "nesterov needs a momentum > 0; set momentum (e.g. 0.9) or nesterov false");
                WeightDecay(errors, sgd.WeightDecay, spec.L2);
                break;
            case Adam adam:
                Positive(errors, "$.optimizer.lr", adam.Lr);
                Betas(errors, adam.Beta1, adam.Beta2, adam.Eps);
                WeightDecay(errors, adam.WeightDecay, spec.L2);
                break;
            case AdamW adamw:
                Positive(errors, "$.optimizer.lr", adamw.Lr);
                Betas(errors, adamw.Beta1, adamw.Beta2, adamw.Eps);
                NonNegative(errors, "$.optimizer.weight_decay", adamw.WeightDecay);
                if (AdamWRefusesL2(spec))
                    Error("$.l2", AdamWWithL2);
                break;
        }
    }

    private static void Schedule(List<SpecError> errors, ScheduleSpec? schedule)
    {
        void Error(string path, string message) => errors.Add(new SpecError(path, message));
        switch (schedule)
        {
            case null:
                Error("$.schedule", "schedule is missing; give e.g. { \"kind\": \"onecycle\", \"max_lr\": 0.1 } or { \"kind\": \"constant\" }");
                break;
            case OneCycle one:
                Positive(errors, "$.schedule.max_lr", one.MaxLr);
                if (!(one.PctStart > 0 && one.PctStart < 1))
                    Error("$.schedule.pct_start", $"pct_start must be in (0, 1), got {F(one.PctStart)}; use e.g. 0.3");
                Positive(errors, "$.schedule.div_factor", one.DivFactor);
                Positive(errors, "$.schedule.final_div_factor", one.FinalDivFactor);
                if (!(one.BaseMomentum >= 0 && one.BaseMomentum < 1))
                    Error("$.schedule.base_momentum", $"base_momentum must be in [0, 1), got {F(one.BaseMomentum)}; use e.g. 0.85");
                if (!(one.MaxMomentum >= 0 && one.MaxMomentum < 1))
                    Error("$.schedule.max_momentum", $"max_momentum must be in [0, 1), got {F(one.MaxMomentum)}; use e.g. 0.95");
                else if (one.BaseMomentum > one.MaxMomentum)
                    Error("$.schedule.base_momentum", $"base_momentum ({F(one.BaseMomentum)}) must not exceed max_momentum ({F(one.MaxMomentum)})");
                break;
            case StepSchedule step:
                if (step.StepSize < 1)
                    Error("$.schedule.step_size", $"step_size must be >= 1 epoch, got {step.StepSize}");
                if (!(step.Gamma > 0 && step.Gamma <= 1))
                    Error("$.schedule.gamma", $"gamma must be in (0, 1], got {F(step.Gamma)}; use e.g. 0.1");
                break;
        }
    }

    // sgd's and adam's weight_decay is coupled L2, exactly what l2 gives them: one of the two, not both.
    private static void WeightDecay(List<SpecError> errors, double decay, double l2)
    {
        NonNegative(errors, "$.optimizer.weight_decay", decay);
        if (decay > 0 && l2 > 0)
            errors.Add(new("$.optimizer.weight_decay", "l2 is already given to the optimizer as weight decay; set only one of l2 and optimizer.weight_decay"));
    }

    private static void Betas(List<SpecError> errors, double beta1, double beta2, double eps)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            errors.Add(new("$.optimizer.beta1", $"beta1 must be in [0, 1), got {F(beta1)}; use e.g. 0.9"));
        if (!(beta2 >= 0 && beta2 < 1))
            errors.Add(new("$.optimizer.beta2", $"beta2 must be in [0, 1), got {F(beta2)}; use e.g. 0.999"));
        Positive(errors, "$.optimizer.eps", eps);
    }

    private static void Positive(List<SpecError> errors, string path, double v)
    {
        if (!Float32Range.HoldsPositive(v))
            errors.Add(new(path, $"must be a number > 0 in float32's range {Float32Range.Text} (the engine computes in float32), got {F(v)}"));
    }

    private static void NonNegative(List<SpecError> errors, string path, double v)
    {
        if (!Float32Range.HoldsNonNegative(v))
            errors.Add(new(path, $"must be 0 or a number in float32's range {Float32Range.Text} (the engine computes in float32), got {F(v)}; use 0 for none"));
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
