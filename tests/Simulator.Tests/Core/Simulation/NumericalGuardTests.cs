using Simulator.Core.Compute;
using Simulator.Core.Simulation;
using Simulator.Core.Simulation.Stages;
using Simulator.Core.World;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.Simulation;

/// <summary>A NaN or infinity in a state column stops the run naming stage, column, strategy, user and tick.</summary>
public sealed class NumericalGuardTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("simulator-guard-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Scan_reports_the_smallest_user_whatever_the_shard_order()
    {
        const int users = 40_000;
        const int width = 3;
        var column = new float[users * width];
        var shards = new ShardLayout(users, 8);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 4 };
        Assert.Equal(-1, NumericalGuard.FirstNonFinite(column, width, shards, parallel).User);

        column[(39_000 * width) + 1] = float.NaN;
        column[(33_001 * width) + 2] = float.PositiveInfinity;
        column[(33_002 * width) + 0] = float.NaN;
        var (user, value) = NumericalGuard.FirstNonFinite(column, width, shards, parallel);
        Assert.Equal(33_001, user);
        Assert.Equal(float.PositiveInfinity, value);

        var e = Assert.Throws<NumericalGuardException>(() =>
            NumericalGuard.Check(column, width, shards, parallel, TickStage.Forget, "Interest", "ema", 5, 42));
        Assert.Equal((TickStage.Forget, "Interest", "ema", 33_001, 5), (e.Stage, e.Column, e.Strategy, e.User, e.Tick));
        Assert.Contains("Interest became +infinity in stage Forget at tick 5 (seed 42) for strategy ema, user 33001", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TickStage.Forget)]
    [InlineData(TickStage.Respond)]
    [InlineData(TickStage.Reinforce)]
    public void Run_stops_at_the_stage_strategy_user_and_tick_where_a_nan_appears(TickStage stage)
    {
        using var cpu = new CpuEngine(2);
        var options = new RunOptions
        {
            Threads = 2,
            GuardHook = (s, strategy, tick, column) =>
            {
                if (s == stage && strategy == "ema" && tick == 3)
                {
                    column[^1] = float.NaN;
                    column[7] = float.NaN;
                }
            },
        };
        var e = Assert.Throws<NumericalGuardException>(() => SimulationRunner.Run(TestScenarios.Small(), cpu, options));
        Assert.Equal(stage, e.Stage);
        Assert.Equal("ema", e.Strategy);
        Assert.Equal(3, e.Tick);
        Assert.True(e.User is 0 or 1 or 7, $"user {e.User}");
        Assert.Equal(7ul, e.Seed);
    }

    [Fact]
    public void Drift_guard_names_the_shared_population()
    {
        using var cpu = new CpuEngine(1);
        var options = new RunOptions
        {
            GuardHook = (s, _, tick, column) =>
            {
                if (s == TickStage.Drift && tick == 0)
                {
                    column[8 * 5] = float.NegativeInfinity;
                }
            },
        };
        var e = Assert.Throws<NumericalGuardException>(() => SimulationRunner.Run(TestScenarios.Small(), cpu, options));
        Assert.Equal((TickStage.Drift, "Preference", 5, 0), (e.Stage, e.Column, e.User, e.Tick));
        Assert.StartsWith("population", e.Strategy, StringComparison.Ordinal);
    }

    /// <summary>
    /// These dwell settings used to overflow dwell to +infinity and stop the run at the guard; the
    /// model now bounds log dwell (<see cref="Simulator.Core.Compute.Operators.ChoiceMath.MaxLogDwell"/>),
    /// so the same valid scenario runs to the end. Reaching the guard is covered by the hook tests above.
    /// </summary>
    [Fact]
    public void Cli_runs_former_dwell_overflow_settings_to_the_end()
    {
        var path = Path.Combine(_temp, "overflow.json");
        File.WriteAllText(path, TestScenarios.SmallJson);
        var results = Path.Combine(_temp, "results");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Simulator.Cli.Cli.Run(
            ["run", path, "--set", "choice.dwellMu=20", "--set", "choice.dwellBeta=10", "--set", "choice.dwellSigma=10", "--results", results, "--quiet", "--device", "cpu"],
            stdout,
            stderr,
            CancellationToken.None);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains(Directory.EnumerateFiles(results, "summary.json", SearchOption.AllDirectories), _ => true);
    }
}
