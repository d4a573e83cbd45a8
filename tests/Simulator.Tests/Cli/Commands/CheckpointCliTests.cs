using Simulator.Cli.Commands;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Checkpoints;
using Simulator.Core.Simulation;
using Simulator.Storage.Checkpoints;

namespace Simulator.Tests.Cli.Commands;

/// <summary>`run --checkpoint-every` / `run --resume` through the command line and the checkpoint file format.</summary>
public sealed class CheckpointCliTests : IDisposable
{
    private const string Json = """
        {
          "name": "resumable",
          "seed": 11,
          "seeds": 2,
          "ticks": 14,
          "shards": 4,
          "slateSize": 5,
          "population": { "users": 150, "topics": 8, "activity": 0.9 },
          "catalog": { "items": 50 },
          "drift": { "kind": "abrupt", "rate": 0.05, "events": [5] },
          "strategies": ["random", "popularity", "ema", "sliding-window", "d-ucb", "oracle-lagged"]
        }
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static (int Code, string Out, string Err) Cli(CancellationToken cancel, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(args, stdout, stderr, cancel);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static (int Code, string Out, string Err) Cli(params string[] args) => Cli(CancellationToken.None, args);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Saves real checkpoint files, then cancels the run after the <paramref name="stopAfter"/>-th one, as Ctrl-C would.</summary>
    private sealed class StoppingSink(CheckpointWriter writer, int stopAfter, CancellationTokenSource cancel) : ICheckpointSink
    {
        private int _saved;

        public void Save(CheckpointPosition position, ICheckpointable state)
        {
            writer.Save(position, state);
            if (++_saved == stopAfter)
            {
                cancel.Cancel();
            }
        }
    }

    /// <summary>Runs the scenario until its <paramref name="stopAfter"/>-th checkpoint and returns the checkpoint file.</summary>
    private string Interrupted(string scenarioPath, int stopAfter, string device = "cpu")
    {
        var scenario = ScenarioFiles.Load(scenarioPath);
        var file = Path.Combine(_temp, $"stop{stopAfter}{CheckpointFile.Extension}");
        var writer = new CheckpointWriter(file, Simulator.Core.Scenarios.ScenarioWriter.ToJson(scenario));
        using var cancel = new CancellationTokenSource();
        using var engine = EngineSelector.Create(device, 2, TextWriter.Null);
        Assert.ThrowsAny<OperationCanceledException>(() => SimulationRunner.Run(scenario, engine, new RunOptions
        {
            Threads = 2,
            CheckpointEvery = 4,
            Checkpoints = new StoppingSink(writer, stopAfter, cancel),
            Cancellation = cancel.Token,
        }));
        return file;
    }

    private void AssertSameResults(string a, string b)
    {
        foreach (var file in new[] { "summary.json", "metrics.csv", "scenario.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        }
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(1, "1")]
    [InlineData(4, "2")]
    public void Resume_from_a_checkpoint_file_is_byte_identical_to_the_uninterrupted_run(int stopAfter, string threads)
    {
        var path = Write("s.json", Json);
        var whole = Path.Combine(_temp, "whole");
        var (code, _, err) = Cli("run", path, "--out", whole, "--quiet", "--device", "cpu", "--threads", "2");
        Assert.True(code == 0, err);

        var checkpoint = Interrupted(path, stopAfter);
        var resumed = Path.Combine(_temp, "resumed");
        (code, _, err) = Cli("run", "--resume", checkpoint, "--out", resumed, "--quiet", "--device", "cpu", "--threads", threads);
        Assert.True(code == 0, err);
        Assert.Contains("resuming from", err, StringComparison.Ordinal);
        AssertSameResults(whole, resumed);

        // The scenario file may be given too, as long as it is the same scenario.
        var again = Path.Combine(_temp, "again");
        (code, _, err) = Cli("run", path, "--resume", checkpoint, "--out", again, "--quiet", "--device", "cpu");
        Assert.True(code == 0, err);
        AssertSameResults(whole, again);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Resume_on_an_accelerator_engine_moves_device_columns_both_ways()
    {
        // ILGPU's CPU accelerator keeps its own copy of every column, as a GPU does: a checkpoint
        // must download them and a resume must upload them, or the results differ.
        var small = Json.Replace("\"ticks\": 14", "\"ticks\": 7", StringComparison.Ordinal)
            .Replace("\"seeds\": 2", "\"seeds\": 1", StringComparison.Ordinal)
            .Replace("\"users\": 150", "\"users\": 48", StringComparison.Ordinal)
            .Replace("\"sliding-window\", \"d-ucb\", ", string.Empty, StringComparison.Ordinal);
        var path = Write("gpu.json", small);
        var whole = Path.Combine(_temp, "whole");
        var (code, _, err) = Cli("run", path, "--out", whole, "--quiet", "--device", "ilgpu-cpu");
        Assert.True(code == 0, err);
        var checkpoint = Interrupted(path, 1, "ilgpu-cpu");
        var resumed = Path.Combine(_temp, "resumed");
        (code, _, err) = Cli("run", "--resume", checkpoint, "--out", resumed, "--quiet", "--device", "ilgpu-cpu");
        Assert.True(code == 0, err);
        AssertSameResults(whole, resumed);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Ctrl_c_keeps_the_last_checkpoint_outside_results_and_resume_finishes_the_run()
    {
        var path = Write("long.json", Json.Replace("\"ticks\": 14", "\"ticks\": 400", StringComparison.Ordinal).Replace("\"seeds\": 2", "\"seeds\": 1", StringComparison.Ordinal));
        var results = Path.Combine(_temp, "results");
        var checkpoints = Path.Combine(_temp, "ckpt");
        using var cancel = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            // Ctrl-C as soon as the first checkpoint is on disk.
            while (!cancel.IsCancellationRequested)
            {
                if (Directory.Exists(checkpoints) && Directory.GetFiles(checkpoints, "*" + CheckpointFile.Extension).Length > 0)
                {
                    cancel.Cancel();
                }

                Thread.Sleep(1);
            }
        });
        watcher.Start();
        var (code, _, err) = Cli(cancel.Token, "run", path, "--results", results, "--quiet", "--device", "cpu", "--checkpoint-every", "2", "--checkpoint-dir", checkpoints);
        cancel.Cancel();
        watcher.Join();
        Assert.True(code == ExitCodes.Interrupted, err);
        Assert.Contains("interrupted", err, StringComparison.Ordinal);
        Assert.Contains("continue with: simulator run --resume", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results) && Directory.EnumerateFileSystemEntries(results, "*", SearchOption.AllDirectories).Any());
        var checkpoint = Assert.Single(Directory.GetFiles(checkpoints));
        Assert.EndsWith(CheckpointFile.Extension, checkpoint, StringComparison.Ordinal);

        var resumed = Path.Combine(_temp, "resumed");
        (code, _, err) = Cli("run", "--resume", checkpoint, "--out", resumed, "--quiet", "--device", "cpu", "--checkpoint-every", "50");
        Assert.True(code == 0, err);
        Assert.False(File.Exists(checkpoint), "a completed run removes the checkpoint it kept writing");
        var whole = Path.Combine(_temp, "whole");
        Assert.Equal(0, Cli("run", path, "--out", whole, "--quiet", "--device", "cpu").Code);
        AssertSameResults(whole, resumed);
    }

    [Theory]
    [InlineData("flip", "corrupt or truncated")]
    [InlineData("truncate", "corrupt or truncated")]
    [InlineData("garbage", "not a simulator checkpoint")]
    [InlineData("empty", "not a simulator checkpoint")]
    [InlineData("missing", "no such checkpoint file")]
    public void A_damaged_checkpoint_exits_2_and_writes_nothing(string damage, string expected)
    {
        var checkpoint = Interrupted(Write("s.json", Json), 1);
        var bytes = File.ReadAllBytes(checkpoint);
        switch (damage)
        {
            case "flip":
                bytes[bytes.Length / 2] ^= 0x40;
                File.WriteAllBytes(checkpoint, bytes);
                break;
            case "truncate":
                File.WriteAllBytes(checkpoint, bytes[..(bytes.Length - 100)]);
                break;
            case "garbage":
                File.WriteAllBytes(checkpoint, Enumerable.Range(0, 500).Select(i => (byte)(i * 37)).ToArray());
                break;
            case "empty":
                File.WriteAllBytes(checkpoint, []);
                break;
            case "missing":
                File.Delete(checkpoint);
                break;
        }

        var results = Path.Combine(_temp, "results");
        var (code, _, err) = Cli("run", "--resume", checkpoint, "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void A_checkpoint_of_another_scenario_is_refused_with_exit_2()
    {
        var checkpoint = Interrupted(Write("s.json", Json), 1);
        var other = Write("other.json", Json.Replace("\"rate\": 0.05", "\"rate\": 0.06", StringComparison.Ordinal));
        var results = Path.Combine(_temp, "results");
        var (code, _, err) = Cli("run", other, "--resume", checkpoint, "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("different scenario", err, StringComparison.Ordinal);

        (code, _, err) = Cli("run", "--resume", checkpoint, "--set", "ticks=20", "--results", results, "--quiet", "--device", "cpu");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("different scenario", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(results));
    }
}
