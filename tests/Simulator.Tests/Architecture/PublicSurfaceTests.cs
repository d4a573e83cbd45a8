using System.Text.RegularExpressions;
using Simulator.Tests.Support;

namespace Simulator.Tests.Architecture;

/// <summary>
/// Core's public surface is a decision written down in docs/architecture.md ("Core's public
/// surface"): every public type of Simulator.Core is named there, and every type named there is
/// public, so widening or narrowing the surface means updating the list that explains it.
/// </summary>
public sealed partial class PublicSurfaceTests
{
    [Fact]
    public void Every_public_core_type_is_listed_in_the_architecture_doc_and_every_listed_type_is_public()
    {
        var exported = typeof(Simulator.Core.Compute.IComputeEngine).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested)
            .Select(t => t.Name.Split('`')[0])
            .ToHashSet(StringComparer.Ordinal);
        var listed = ListedTypes();
        Assert.True(exported.Count > 50, $"expected Core's exported types, found {exported.Count}");

        var unlisted = exported.Except(listed).Order(StringComparer.Ordinal).ToList();
        var notPublic = listed.Except(exported).Order(StringComparer.Ordinal).ToList();
        Assert.True(unlisted.Count == 0, "public in Simulator.Core but not listed in docs/architecture.md: " + string.Join(", ", unlisted));
        Assert.True(notPublic.Count == 0, "listed in docs/architecture.md but not public in Simulator.Core: " + string.Join(", ", notPublic));
    }

    /// <summary>The type names in backticks in the table of the doc's "Core's public surface" section.</summary>
    private static HashSet<string> ListedTypes()
    {
        var doc = File.ReadAllText(Path.Combine(TestScenarios.RepoRoot(), "docs", "architecture.md"));
        var start = doc.IndexOf("## Core's public surface", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/architecture.md has no \"Core's public surface\" section");
        var section = doc[start..];
        var next = section.IndexOf("\n## ", 3, StringComparison.Ordinal);
        section = next > 0 ? section[..next] : section;
        var tableRows = section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal));
        return tableRows
            .Select(row => row.Split('|')[2])
            .SelectMany(cell => TypeName().Matches(cell).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"`([A-Z][A-Za-z0-9]*)`")]
    private static partial Regex TypeName();
}
