using Simulator.Tests.Support;

namespace Simulator.Tests.Cli.Commands;

/// <summary>
/// Every file of the malformed corpus (tests/Simulator.Tests/Cli/Commands/Malformed) is refused with exit
/// code 2, a message naming the file, and nothing under the results folder; and random
/// mutations of a valid scenario either run or fail cleanly, never with a crash.
/// </summary>
public sealed class MalformedScenarioTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-malformed-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot(), "tests", "Simulator.Tests", "Cli", "Commands", "Malformed")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Corpus_has_at_least_forty_files() => Assert.True(Corpus().Count >= 40);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Malformed_file_exits_2_with_a_named_problem_and_leaves_nothing(string name)
    {
        var path = Path.Combine(TestScenarios.RepoRoot(), "tests", "Simulator.Tests", "Cli", "Commands", "Malformed", name);
        var results = Path.Combine(_temp, "results");
        foreach (var args in new[] { new[] { "validate", path }, ["run", path, "--results", results, "--quiet"] })
        {
            var command = args[0];
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var code = Simulator.Cli.Cli.Run(args, stdout, stderr, CancellationToken.None);
            var message = stderr.ToString();
            Assert.True(code == 2, $"{command} {name}: exit {code}, {message}");
            Assert.Contains(path, message, StringComparison.Ordinal);
            Assert.Contains("$", message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
            Assert.DoesNotContain("unexpected failure", message, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(results) && Directory.EnumerateFileSystemEntries(results, "*", SearchOption.AllDirectories).Any());
    }

    /// <summary>Issue #26: quickstart.json with a section set to null was accepted and ran with defaults.</summary>
    [Theory]
    [InlineData("population")]
    [InlineData("forgetting")]
    [InlineData("catalog")]
    [InlineData("drift")]
    [InlineData("choice")]
    [InlineData("strategies")]
    public void Quickstart_with_a_null_section_exits_2_naming_file_line_and_path(string section)
    {
        var path = Path.Combine(TestScenarios.RepoRoot(), "tests", "Simulator.Tests", "Cli", "Commands", "Malformed", $"null-{section}.json");
        var line = Array.FindIndex(File.ReadAllLines(path), l => l.Contains($"\"{section}\": null", StringComparison.Ordinal)) + 1;
        Assert.True(line > 1);
        var (code, _, err) = CliHarness.Run("validate", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:{line}: $.{section}: expected ", err, StringComparison.Ordinal);
        Assert.Contains("found null (no field takes null; leave the field out for its default)", err, StringComparison.Ordinal);
        Assert.Contains("(1 problem)", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutated_scenarios_run_or_fail_cleanly()
    {
        // Deterministic mutations: replace one character of a small valid scenario at a time.
        var source = TestScenarios.SmallJson.Replace("\"ticks\": 12", "\"ticks\": 3", StringComparison.Ordinal)
            .Replace("\"users\": 300", "\"users\": 40", StringComparison.Ordinal);
        var replacements = new[] { '0', '9', '-', '"', '{', '}', ',', ':', 'x', ' ', '[', '.' };
        var random = new Random(12345);
        for (var trial = 0; trial < 60; trial++)
        {
            var chars = source.ToCharArray();
            var at = random.Next(chars.Length);
            chars[at] = replacements[random.Next(replacements.Length)];
            var path = Path.Combine(_temp, $"mutant{trial}.json");
            File.WriteAllText(path, new string(chars));
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var outDir = Path.Combine(_temp, $"out{trial}");
            var code = Simulator.Cli.Cli.Run(["run", path, "--out", outDir, "--quiet", "--device", "cpu"], stdout, stderr, CancellationToken.None);
            Assert.True(code is 0 or 2, $"mutant {trial} (char {at}): exit {code}: {stderr}");
            if (code == 0)
            {
                Assert.True(File.Exists(Path.Combine(outDir, "summary.json")));
            }
            else
            {
                Assert.False(Directory.Exists(outDir));
                Assert.DoesNotContain("unexpected failure", stderr.ToString(), StringComparison.Ordinal);
            }
        }
    }
}
