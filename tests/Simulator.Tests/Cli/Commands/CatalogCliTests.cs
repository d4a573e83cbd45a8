using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>`simulator list choice|catalog` and bad catalog/choice values at the command line (exit 2, file:line: path).</summary>
public sealed class CatalogCliTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-catalog-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void List_shows_the_choice_model_and_catalog_dynamics_with_defaults()
    {
        var choice = Cli("list", "choice");
        Assert.Equal(0, choice.Code);
        Assert.Contains("positionDecay g = 0.9", choice.Out, StringComparison.Ordinal);
        Assert.Contains("satiationWeight = 0 (off), satiationDecay = 0.9", choice.Out, StringComparison.Ordinal);
        var catalog = Cli("list", "catalog");
        Assert.Equal(0, catalog.Code);
        Assert.Contains("arrivalRate = 0", catalog.Out, StringComparison.Ordinal);
        Assert.Contains("agingCurve = exponential, agingScale = 20", catalog.Out, StringComparison.Ordinal);
        Assert.Contains("socialProof = 0 (off)", catalog.Out, StringComparison.Ordinal);
        Assert.Contains("satiation", Cli("list").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_catalog_and_choice_values_exit_2_naming_file_line_and_path()
    {
        var path = Path.Combine(_temp, "bad.json");
        File.WriteAllText(path, """
            {
              "catalog": {
                "arrivalRate": -2,
                "initialItems": 3
              },
              "choice": { "satiationDecay": 2 }
            }
            """);
        var (code, _, err) = Cli("validate", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:3: $.catalog.arrivalRate:", err, StringComparison.Ordinal);
        Assert.Contains($"{path}:4: $.catalog.initialItems: 3 initial items cannot fill a slate of 10", err, StringComparison.Ordinal);
        Assert.Contains($"{path}:6: $.choice.satiationDecay:", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }
}
