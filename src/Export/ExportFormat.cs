namespace Norms.Export;

/// <summary>The formats a trained model leaves the lab in: PyTorch's state_dict as safetensors, or an ONNX graph.</summary>
public enum ExportFormat
{
    Safetensors,
    Onnx,
}
