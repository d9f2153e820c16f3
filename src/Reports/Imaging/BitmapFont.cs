namespace Norms.Reports.Imaging;

/// <summary>
/// A 5x7 pixel font for labels on images: digits, letters (lower case is drawn in capitals) and common
/// punctuation. Unknown characters draw as a hollow box so that missing glyphs are visible, not silent.
/// </summary>
public static class BitmapFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;
    /// <summary>Horizontal advance per character: glyph plus one column of spacing.</summary>
    public const int Advance = GlyphWidth + 1;

    private static readonly Dictionary<char, ushort[]> Glyphs = Build();

    public static bool HasGlyph(char c) => Glyphs.ContainsKey(char.ToUpperInvariant(c));

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (no trailing spacing).</summary>
    public static int MeasureWidth(string text, int scale = 1) => text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;

    /// <summary>Draws text with its top-left corner at (x, y); each font pixel becomes a scale x scale block.</summary>
    public static void Draw(RasterImage image, string text, int x, int y, Rgb colour, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        for (var i = 0; i < text.Length; i++)
        {
            var rows = Glyphs.TryGetValue(char.ToUpperInvariant(text[i]), out var g) ? g : Glyphs['\uFFFD'];
            var left = x + i * Advance * scale;
            for (var row = 0; row < GlyphHeight; row++)
                for (var col = 0; col < GlyphWidth; col++)
                    if ((rows[row] & (1 << (GlyphWidth - 1 - col))) != 0)
                        image.FillRect(left + col * scale, y + row * scale, scale, scale, colour);
        }
    }

    /// <summary>Glyph rows as bit masks (bit 4 = leftmost column); for tests and measuring.</summary>
    public static IReadOnlyList<ushort> Rows(char c) => Glyphs.TryGetValue(char.ToUpperInvariant(c), out var g) ? g : Glyphs['\uFFFD'];

    private static Dictionary<char, ushort[]> Build()
    {
        var source = new Dictionary<char, string>
        {
            ['0'] = ".###. #...# #..## #.#.# ##..# #...# .###.",
            ['1'] = "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['2'] = ".###. #...# ....# ...#. ..#.. .#... #####",
            ['3'] = "##### ...#. ..#.. ...#. ....# #...# .###.",
            ['4'] = "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
            ['5'] = "##### #.... ####. ....# ....# #...# .###.",
            ['6'] = "..##. .#... #.... ####. #...# #...# .###.",
            ['7'] = "##### ....# ...#. ..#.. .#... .#... .#...",
            ['8'] = ".###. #...# #...# .###. #...# #...# .###.",
            ['9'] = ".###. #...# #...# .#### ....# ...#. .##..",
            ['A'] = ".###. #...# #...# ##### #...# #...# #...#",
            ['B'] = "####. #...# #...# ####. #...# #...# ####.",
            ['C'] = ".###. #...# #.... #.... #.... #...# .###.",
            ['D'] = "###.. #..#. #...# #...# #...# #..#. ###..",
            ['E'] = "##### #.... #.... ####. #.... #.... #####",
            ['F'] = "##### #.... #.... ####. #.... #.... #....",
            ['G'] = ".###. #...# #.... #.### #...# #...# .####",
            ['H'] = "#...# #...# #...# ##### #...# #...# #...#",
            ['I'] = ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['J'] = "..### ...#. ...#. ...#. ...#. #..#. .##..",
            ['K'] = "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
            ['L'] = "#.... #.... #.... #.... #.... #.... #####",
            ['M'] = "#...# ##.## #.#.# #.#.# #...# #...# #...#",
            ['N'] = "#...# #...# ##..# #.#.# #..## #...# #...#",
            ['O'] = ".###. #...# #...# #...# #...# #...# .###.",
            ['P'] = "####. #...# #...# ####. #.... #.... #....",
            ['Q'] = ".###. #...# #...# #...# #.#.# #..#. .##.#",
            ['R'] = "####. #...# #...# ####. #.#.. #..#. #...#",
            ['S'] = ".#### #.... #.... .###. ....# ....# ####.",
            ['T'] = "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
            ['U'] = "#...# #...# #...# #...# #...# #...# .###.",
            ['V'] = "#...# #...# #...# #...# #...# .#.#. ..#..",
            ['W'] = "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
            ['X'] = "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
            ['Y'] = "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
            ['Z'] = "##### ....# ...#. ..#.. .#... #.... #####",
            [' '] = "..... ..... ..... ..... ..... ..... .....",
            ['.'] = "..... ..... ..... ..... ..... .##.. .##..",
            [','] = "..... ..... ..... ..... .##.. ..#.. .#...",
            [':'] = "..... .##.. .##.. ..... .##.. .##.. .....",
            [';'] = "..... .##.. .##.. ..... .##.. ..#.. .#...",
            ['-'] = "..... ..... ..... ##### ..... ..... .....",
            ['+'] = "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
            ['='] = "..... ..... ##### ..... ##### ..... .....",
            ['_'] = "..... ..... ..... ..... ..... ..... #####",
            ['/'] = "..... ....# ...#. ..#.. .#... #.... .....",
            ['%'] = "##... ##..# ...#. ..#.. .#... #..## ...##",
            ['('] = "...#. ..#.. .#... .#... .#... ..#.. ...#.",
            [')'] = ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
            ['['] = ".###. .#... .#... .#... .#... .#... .###.",
            [']'] = ".###. ...#. ...#. ...#. ...#. ...#. .###.",
            ['<'] = "...#. ..#.. .#... #.... .#... ..#.. ...#.",
            ['>'] = ".#... ..#.. ...#. ....# ...#. ..#.. .#...",
            ['?'] = ".###. #...# ....# ...#. ..#.. ..... ..#..",
            ['!'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
            ['\''] = "..#.. ..#.. .#... ..... ..... ..... .....",
            ['"'] = ".#.#. .#.#. ..... ..... ..... ..... .....",
            ['#'] = ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
            ['*'] = "..... ..#.. #.#.# .###. #.#.# ..#.. .....",
            ['|'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
            ['\uFFFD'] = "##### #...# #...# #...# #...# #...# #####",
        };
        var glyphs = new Dictionary<char, ushort[]>();
        foreach (var (c, pattern) in source)
        {
            var rows = pattern.Split(' ');
            if (rows.Length != GlyphHeight || rows.Any(r => r.Length != GlyphWidth))
                throw new InvalidOperationException($"glyph '{c}' is not {GlyphWidth}x{GlyphHeight}");
            glyphs[c] = rows.Select(r => (ushort)r.Aggregate(0, (bits, ch) => (bits << 1) | (ch == '#' ? 1 : 0))).ToArray();
        }
        return glyphs;
    }
}
