using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Norms.Data;
using Xunit;
using static Norms.Property.Tests.Data.DataFixtures;

namespace Norms.Property.Tests.Data;

public sealed class SafeTarReaderTests
{
    private static List<(TarItem Item, byte[] Data)> ReadAll(byte[] tar, long cap = 1 << 20)
    {
        var reader = new SafeTarReader(new MemoryStream(tar), "test.tar", cap);
        var items = new List<(TarItem, byte[])>();
        while (reader.Next() is { } item)
        {
            var data = new byte[item.Size];
            reader.ReadData(data);
            items.Add((item, data));
        }
        return items;
    }

    private static DataFormatException Rejects(byte[] tar, long cap = 1 << 20)
    {
        var e = Record.Exception(() => ReadAll(tar, cap));
        return Assert.IsType<DataFormatException>(e);
    }

    [Fact]
    public void Random_valid_archives_read_back_exactly()
    {
        var name = from parts in Gen.Choose(1, 3)
                   from segments in Gen.ArrayOf(Gen.Elements("a", "b", "data", "x.bin", "meta.txt", "dir-1"), parts)
                   select string.Join('/', segments);
        var entry = from n in name from size in Gen.Choose(0, 1500) from data in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), size)
                    select new TarEntrySpec(n, data);
        var archive = Gen.ListOf(entry).Select(l => l.ToArray());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(80), Prop.ForAll(archive.ToArbitrary(), entries =>
        {
            var items = ReadAll(Tar(entries));
            Assert.Equal(entries.Select(e => e.Name), items.Select(i => i.Item.Path));
            Assert.Equal(entries.Select(e => e.Data), items.Select(i => i.Data));
        }));
    }

    [Fact]
    public void Directories_pax_paths_gnu_long_names_and_ustar_prefixes_are_understood()
    {
        var longName = string.Concat(Enumerable.Repeat("long-folder-name/", 8)) + "file.bin";
        var items = ReadAll(Tar([
            new TarEntrySpec("./top/", [], '5'),
            new TarEntrySpec("././top/a.bin", [1, 2, 3]),
            Pax(("path", longName)),
            new TarEntrySpec("short", [4, 5]),
            new TarEntrySpec("././@LongLink", Encoding.UTF8.GetBytes(longName + "2\0"), 'L'),
            new TarEntrySpec("trunc", [6]),
            new TarEntrySpec("name.bin", [7], Prefix: "pre/fix"),
        ]));
        Assert.Equal(["top", "top/a.bin", longName, longName + "2", "pre/fix/name.bin"], items.Select(i => i.Item.Path));
        Assert.True(items[0].Item.IsDirectory);
        Assert.Equal(new byte[] { 4, 5 }, items[2].Data);
    }

    [Theory]
    [InlineData("../evil.bin")]
    [InlineData("cifar-10-batches-bin/../../evil.bin")]
    [InlineData("a/b/..")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/evil")]
    [InlineData("a\\..\\evil")]
    public void Escaping_paths_are_rejected(string name)
    {
        var e = Rejects(Tar([new TarEntrySpec("ok.bin", [1]), new TarEntrySpec(name, [1, 2])]));
        Assert.Contains("test.tar", e.Message);
    }

    [Fact]
    public void A_pax_path_cannot_smuggle_a_traversal()
    {
        Assert.Contains("..", Rejects(Tar([Pax(("path", "../../evil")), new TarEntrySpec("innocent", [1])])).Message);
    }

    [Theory]
    [InlineData('2', "symbolic link")]
    [InlineData('1', "hard link")]
    [InlineData('3', "entry type")]
    [InlineData('6', "entry type")]
    public void Links_and_special_files_are_rejected(char type, string expected)
    {
        var e = Rejects(Tar([new TarEntrySpec("cifar-10-batches-bin/data_batch_1.bin", [], type, LinkName: "/etc/passwd")]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Absurd_declared_sizes_are_rejected_before_reading()
    {
        // 8 GB declared, 0 bytes present: the cap must trip before any read or allocation.
        var tar = Tar([new TarEntrySpec("big.bin", [], DeclaredSize: 0x1_ffff_ffffL)], endBlocks: false);
        var allocated = AllocatedBy(() => Assert.Contains("limit", Rejects(tar, cap: 1 << 20).Message));
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
        Assert.Contains("limit", Rejects(Tar([new TarEntrySpec("just-over", new byte[1025])]), cap: 1024).Message);
        Assert.Contains("limit", Rejects(Tar([new TarEntrySpec("PaxHeader", [], 'x', DeclaredSize: 1L << 30)], endBlocks: false)).Message);
    }

    [Fact]
    public void Damaged_headers_and_truncation_are_rejected()
    {
        var tar = Tar([new TarEntrySpec("a.bin", new byte[700]), new TarEntrySpec("b.bin", new byte[10])]);
        var corrupt = (byte[])tar.Clone();
        corrupt[3] ^= 0x20; // name byte: checksum no longer matches
        Assert.Contains("checksum", Rejects(corrupt).Message);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Gen.Choose(1, 512 * 3 - 1).ToArbitrary(), cut =>
        {
            // Cutting anywhere inside the headers or data (not at the end blocks) is reported, never an other exception.
            Rejects(tar[..cut]);
        }));
    }
}
