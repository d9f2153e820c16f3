using SkiaSharp;

namespace Norms.Reports;

/// <summary>
/// The one font every chart and image is drawn in, DejaVu Sans, loaded by path so that a picture does not depend on
/// what fonts a machine happens to have (SkiaSharp is the build without fontconfig). Debian's fonts-dejavu-core ships it;
/// scripts/setup installs that package. Without the file, drawing fails with one line naming the package.
/// </summary>
public static class ChartFont
{
    public const string Family = "DejaVu Sans";
    public const string Package = "fonts-dejavu-core";
    public const string RegularPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    public const string BoldPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> Faces = new(() =>
    {
        var faces = (Load(RegularPath), Load(BoldPath));
        ScottPlot.Fonts.AddFontFile(Family, RegularPath, bold: false, italic: false);
        ScottPlot.Fonts.AddFontFile(Family, BoldPath, bold: true, italic: false);
        ScottPlot.Fonts.Default = Family;
        return faces;
    });

    public static SKTypeface Regular => Faces.Value.Regular;
    public static SKTypeface Bold => Faces.Value.Bold;

    /// <summary>Registers the font with ScottPlot (once); throws <see cref="ReportException"/> when it is missing.</summary>
    public static void Ensure() => _ = Faces.Value;

    /// <summary>The typeface in <paramref name="path"/>; a missing or unreadable file is one line naming the package.</summary>
    public static SKTypeface Load(string path)
    {
        if (!File.Exists(path)) throw new ReportException(Missing(path));
        return SKTypeface.FromFile(path) ?? throw new ReportException($"{path} is not a font SkiaSharp can read; reinstall it: apt-get install --reinstall {Package}");
    }

    public static string Missing(string path) =>
        $"the charts need the font {path}, which is missing; install it with: apt-get install {Package} (scripts/setup does)";
}
