using Norms.Export.Onnx;
using Xunit.Abstractions;
using static Norms.Export.Onnx.OnnxAttribute;

namespace Norms.Property.Tests.Export;

/// <summary>Which opsets the ONNX Runtime the lab ships (Microsoft.ML.OnnxRuntime 1.31.1) loads: the exported opset must be
/// among them. A tiny graph (Flatten, LogSoftmax) is stamped with each opset in turn. 1.31.1 loads 7 to 26 and refuses
/// later ones as under development.</summary>
public sealed class OnnxRuntimeOpsetTests(ITestOutputHelper output)
{
    [Fact]
    public void Onnx_runtime_loads_the_exported_opset_and_says_which_it_does_not()
    {
        var loaded = new List<long>();
        for (long opset = 7; opset <= 30; opset++)
        {
            try
            {
                using var eval = OnnxRuntimeEval.FromBytes(Tiny(opset), $"opset {opset}");
                Assert.All(eval.Run([0.5f, 0.1f, 0.5f, 0.5f], 1).Zip(new[] { 0.5, 0.1, 0.5, 0.5 }.Select(v => v - Math.Log(3 * Math.Exp(0.5) + Math.Exp(0.1)))),
                    p => Assert.Equal(p.Second, p.First, 1e-6));
                loaded.Add(opset);
            }
            catch (OnnxModelException e)
            {
                output.WriteLine(e.Message);
                Assert.DoesNotContain('\n', e.Message);
                Assert.DoesNotContain("onnxruntime_src", e.Message); // the runtime's source location is left out
            }
        }
        output.WriteLine($"ONNX Runtime loads opsets {loaded.Min()} to {loaded.Max()}");
        Assert.Contains(OnnxExport.Opset, loaded);
        Assert.Equal(loaded.Max() - loaded.Min() + 1, loaded.Count); // a contiguous range
    }

    [Fact]
    public void A_model_that_is_not_a_classifier_of_images_is_refused_when_loaded_and_a_wrong_batch_when_run()
    {
        var graph = new OnnxGraph("x");
        graph.Node("Relu", "relu", ["x"], "y");
        var image = graph.ToModelBytes("maps", "x", [null, 1, 2, 2], "y", [null, 1, 2, 2], "N", OnnxExport.IrVersion, OnnxExport.Opset, "norms-test", "0", "");
        var e = Assert.Throws<OnnxModelException>(() => OnnxRuntimeEval.FromBytes(image, "maps.onnx"));
        Assert.Equal("maps.onnx: its output 'y' is Float [?, 1, 2, 2]; a classifier here gives float32 [N, classes]", e.Message);

        using var eval = OnnxRuntimeEval.FromBytes(Tiny(OnnxExport.Opset));
        Assert.Throws<ArgumentException>(() => eval.Run(new float[5], 1));
        Assert.Equal(8, eval.Run(new float[8], 2).Length);
    }

    private static byte[] Tiny(long opset)
    {
        var graph = new OnnxGraph("x");
        var flat = graph.Node("Flatten", "flatten", ["x"], "flat", Int("axis", 1));
        graph.Node("LogSoftmax", "head", [flat], "y", Int("axis", 1));
        return graph.ToModelBytes("tiny", "x", [null, 1, 2, 2], "y", [null, 4], "N", OnnxExport.IrVersion, opset, "norms-test", "0", "");
    }
}
