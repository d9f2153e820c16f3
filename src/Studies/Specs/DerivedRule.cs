using System.Text.Json.Nodes;

namespace Norms.Studies;

/// <summary>
/// A named rule that sets spec fields from others once a run's axes are applied (before the command line's flags), so a
/// study can vary one thing while a dependent one follows. Each run records what the rules set (study.json's
/// <c>derived</c>), and the fields set are part of its resolved spec and so of its id.
/// </summary>
public abstract record DerivedRule(string Name)
{
    /// <summary>Sets the fields this rule derives in <paramref name="experiment"/>; returns each path set and its value, or
    /// the problem that stops it (a field the rule needs is missing).</summary>
    public abstract (IReadOnlyList<KeyValuePair<string, JsonNode?>> Set, string? Problem) Apply(JsonObject experiment);

    /// <summary>
    /// "lr_linear_batch": the learning rate scaled linearly with the batch size (Goyal et al. 2017; the rule the Group
    /// Norm paper's batch-size study uses): with batch B, <c>schedule.max_lr</c> (when the schedule has one) and
    /// <c>optimizer.lr</c> become the base's times B / <see cref="ReferenceBatch"/>.
    /// </summary>
    public sealed record LinearLrBatch(int ReferenceBatch) : DerivedRule(LinearLrBatchName)
    {
        public override (IReadOnlyList<KeyValuePair<string, JsonNode?>> Set, string? Problem) Apply(JsonObject experiment)
        {
            if (experiment["batch_size"] is not JsonValue b || !b.TryGetValue<int>(out var batch))
                return ([], $"{Name} needs a whole-number batch_size");
            var factor = (double)batch / ReferenceBatch;
            var set = new List<KeyValuePair<string, JsonNode?>>();
            foreach (var (parent, field) in new[] { ("schedule", "max_lr"), ("optimizer", "lr") })
                if (experiment[parent] is JsonObject o && o[field] is JsonValue v && v.TryGetValue<double>(out var lr))
                {
                    o[field] = lr * factor;
                    set.Add(new($"{parent}.{field}", lr * factor));
                }
            return set.Count == 0 ? ([], $"{Name} found no learning rate to scale (schedule.max_lr or optimizer.lr)") : (set, null);
        }
    }

    public const string LinearLrBatchName = "lr_linear_batch";

    /// <summary>The rules a study spec may name, and how each reads its JSON (docs/SPEC.md, "Studies").</summary>
    public static string Syntax => $"{{ \"rule\": \"{LinearLrBatchName}\", \"reference_batch\": 64 }}";
}
