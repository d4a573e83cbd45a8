using Simulator.Core.Scenarios;

namespace Simulator.Tests.Cli.Commands;

/// <summary>Every scenario error names the file and the line of the offending token (or the --set override it came from).</summary>
public sealed class ScenarioLineTests : IDisposable
{
    private const string SevenLines = """
        {
          "name": "lines",
          "ticks": 3,
          "population": {
            "users": 40,
            "topics": 4,
            "userz": 5
          },
          // a comment, and a trailing comma below
          "strategies": ["popularity", "nosuch",],
        }
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-lines-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private (int Code, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(args, stdout, stderr, CancellationToken.None);
        return (code, stderr.ToString());
    }

    private string Write(string json)
    {
        var path = Path.Combine(_temp, $"s{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Map_records_properties_and_array_elements_with_comments_and_trailing_commas()
    {
        var map = ScenarioLines.Map(SevenLines);
        Assert.Equal(1, map["$"]);
        Assert.Equal(5, map["$.population.users"]);
        Assert.Equal(7, map["$.population.userz"]);
        Assert.Equal(10, map["$.strategies[1]"]);
        Assert.Equal(5, ScenarioLines.Find(map, "$.population.users.deeper"));
    }

    [Fact]
    public void Parser_errors_carry_the_line_of_the_offending_token()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(SevenLines, "x"));
        Assert.Contains(e.Errors, x => x.Path == "$.population.userz" && x.Line == 7);
        Assert.Contains(e.Errors, x => x.Path == "$.strategies[1]" && x.Line == 10);
        Assert.All(e.Errors, x => Assert.NotNull(x.Line));
    }

    [Fact]
    public void Validate_prints_file_colon_line_for_an_unknown_field()
    {
        var path = Write(SevenLines);
        var (code, err) = Cli("validate", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:7: $.population.userz: unknown field \"userz\"", err, StringComparison.Ordinal);
        Assert.Contains("did you mean \"users\"", err, StringComparison.Ordinal);
        Assert.Contains($"{path}:10: $.strategies[1]: unknown strategy \"nosuch\"", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_errors_carry_the_line()
    {
        var path = Write("{\n  \"name\": \"x\",\n  \"ticks\": 3\n  \"seeds\": 2\n}\n");
        var (code, err) = Cli("validate", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:4: $: not valid JSON at line 4", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_value_names_line_found_and_expected()
    {
        var path = Write("{\n  \"name\": \"x\",\n  \"forgetting\": {\n    \"curve\": \"exponential\",\n    \"halfLife\": -3\n  }\n}\n");
        var (code, err) = Cli("validate", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:5: $.forgetting.halfLife: expected a number in (0, 1000000], found -3", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_errors_have_no_line_and_name_the_override()
    {
        var path = Write(SevenLines.Replace(", \"nosuch\"", string.Empty, StringComparison.Ordinal).Replace("\"userz\": 5", "\"logitScale\": 1", StringComparison.Ordinal));
        var results = Path.Combine(_temp, "results");
        var (code, err) = Cli("run", path, "--set", "population.users=-5", "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains($"{path}: $.population.users: expected an integer", err, StringComparison.Ordinal);
        Assert.Contains("(from --set population.users=-5; not in the file, so no line)", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results));

        (code, err) = Cli("run", path, "--set", "ticks.x=1", "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("$.ticks: cannot set ticks.x: this field is not an object (from --set ticks.x=1", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_in_the_file_keep_their_line_when_overrides_are_given()
    {
        var path = Write(SevenLines);
        var (code, err) = Cli("run", path, "--set", "seeds=1", "--results", Path.Combine(_temp, "r"), "--quiet", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains($"{path}:7: $.population.userz", err, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_that_makes_the_file_invalid_keeps_the_line_names_the_override_and_writes_nothing()
    {
        var quickstart = Path.Combine(Simulator.Tests.Support.TestScenarios.RepoRoot(), "scenarios", "quickstart.json");
        var results = Path.Combine(_temp, "results");
        var (code, err) = Cli("run", quickstart, "--set", "catalog.items=5", "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains($"{quickstart}:11: $.slateSize: slate size 10 is larger than the catalog (5 items); expected at most 5 (because of --set catalog.items=5)", err, StringComparison.Ordinal);

        (code, err) = Cli("run", quickstart, "--set", "population=null", "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains($"{quickstart}: $.population: expected an object, found null", err, StringComparison.Ordinal);
        Assert.Contains("(from --set population=null; not in the file, so no line)", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_skipped()
    {
        var path = Path.Combine(_temp, "bom.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("{\n  \"ticks\": 3,\n  \"ticks\": 4\n}")]);
        var (code, err) = Cli("validate", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:3: $.ticks: field \"ticks\" appears twice", err, StringComparison.Ordinal);
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("{ \"ticks\": 3 }")]);
        Assert.Equal(0, Cli("validate", path).Code);
    }
}
