using System.Text;
using Simulator.Tests.Support;
using Xunit.Abstractions;

namespace Simulator.Tests.Cli.Commands;

/// <summary>
/// Seeded fuzzing of the scenario reader through the CLI: random bytes, truncations and single-byte
/// replacements of the bundled scenarios. Whatever the bytes, `validate` and `run` exit 0 or 2; an
/// input that cannot be a scenario (random bytes, a truncation) exits 2 with a message naming the
/// file and a JSON path, never an exception trace, and `run` leaves nothing in the results folder.
/// </summary>
public sealed class ScenarioReaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 2026;
    private const int RandomInputs = 120;
    private const int TruncationsPerFile = 15;
    private const int ReplacementsPerFile = 10;

    private const string JsonAlphabet = "{}[]\":,.-+eE0123456789 \n\t/*abcdefghijklmnopqrstuvwxyz_nulltruefalse\\";

    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static IEnumerable<(string Label, byte[] Bytes, bool MustFail)> Inputs()
    {
        var random = new Random(Seed);
        for (var i = 0; i < RandomInputs; i++)
        {
            var length = random.Next(1, 600);
            var bytes = new byte[length];
            switch (i % 3)
            {
                case 0:
                    random.NextBytes(bytes);
                    break;
                case 1:
                    for (var j = 0; j < length; j++)
                    {
                        bytes[j] = (byte)JsonAlphabet[random.Next(JsonAlphabet.Length)];
                    }

                    break;
                default:
                    for (var j = 0; j < length; j++)
                    {
                        bytes[j] = (byte)JsonAlphabet[random.Next(JsonAlphabet.Length)];
                    }

                    bytes[0] = (byte)'{';
                    break;
            }

            yield return ($"random {i} ({length} bytes)", bytes, true);
        }

        var files = Directory.GetFiles(Path.Combine(TestScenarios.RepoRoot(), "scenarios"), "*.json")
            .Where(f => Path.GetFileName(f) is var n && !n.StartsWith("bench-", StringComparison.Ordinal) && n != "schema.json")
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var lastBrace = Array.LastIndexOf(bytes, (byte)'}');
            for (var i = 0; i < TruncationsPerFile; i++)
            {
                // Any cut before the closing brace leaves the top-level object open.
                var cut = random.Next(0, lastBrace);
                yield return ($"{Path.GetFileName(file)} cut at {cut}", bytes[..cut], true);
            }

            for (var i = 0; i < ReplacementsPerFile; i++)
            {
                var copy = (byte[])bytes.Clone();
                var at = random.Next(copy.Length);
                copy[at] = (byte)random.Next(256);
                yield return ($"{Path.GetFileName(file)} byte {at} = 0x{copy[at]:X2}", copy, false);
            }
        }
    }

    [Fact]
    public void Random_and_truncated_scenarios_exit_2_with_a_message_and_leave_no_run_folder()
    {
        var results = Path.Combine(_temp, "results");
        var counts = new Dictionary<int, int>();
        var n = 0;
        foreach (var (label, bytes, mustFail) in Inputs())
        {
            var path = Path.Combine(_temp, $"fuzz{n++}.json");
            File.WriteAllBytes(path, bytes);
            var (code, _, err) = CliHarness.Run("validate", path);
            counts[code] = counts.GetValueOrDefault(code) + 1;
            Assert.True(code == 2 || (code == 0 && !mustFail), $"{label}: validate exit {code}: {err}");
            if (code == 0)
            {
                // A replaced byte that leaves a valid scenario (a digit for a digit): not run here, it would simulate.
                continue;
            }

            AssertClean(label, path, err);
            var run = CliHarness.Run("run", path, "--results", results, "--quiet", "--device", "cpu");
            Assert.True(run.Code == 2, $"{label}: run exit {run.Code}: {run.Err}");
            AssertClean(label, path, run.Err);
            Assert.False(Directory.Exists(results) && Directory.EnumerateFileSystemEntries(results, "*", SearchOption.AllDirectories).Any(), $"{label}: run left files in {results}");
        }

        output.WriteLine($"{n} fuzzed inputs (seed {Seed}): {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"exit {c.Key}: {c.Value}"))}");
        Assert.True(n >= 300, $"only {n} inputs");
    }

    private static void AssertClean(string label, string path, string err)
    {
        Assert.True(err.Contains(path, StringComparison.Ordinal), $"{label}: the message does not name the file: {err}");
        Assert.True(err.Contains('$', StringComparison.Ordinal), $"{label}: the message has no JSON path: {err}");
        foreach (var sign in new[] { "   at ", "Exception", "unexpected failure" })
        {
            Assert.False(err.Contains(sign, StringComparison.Ordinal), $"{label}: \"{sign}\" in the message: {err}");
        }

        Assert.Equal(err, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(err)));
    }
}
