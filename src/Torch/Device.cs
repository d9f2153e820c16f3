namespace Norms.Torch;

public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>Where a tensor lives. Values of <see cref="DeviceType"/> are c10::DeviceType codes.</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);

    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>Parses "cpu", "cuda" or "cuda:N", as PyTorch writes devices.</summary>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return Cuda();
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var i) && i >= 0) return Cuda(i);
        throw new ArgumentException($"unknown device '{text}'; use cpu, cuda or cuda:N");
    }

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}
