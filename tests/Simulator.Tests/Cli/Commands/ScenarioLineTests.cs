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
}
