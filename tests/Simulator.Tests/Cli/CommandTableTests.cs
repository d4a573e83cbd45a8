using Simulator.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli;

/// <summary>
/// Dispatch, "did you mean", per-command help and the top-level help's "Commands:" block all come
/// from <see cref="CommandTable"/>: these pin what users see, so a table edit cannot change it unnoticed.
/// </summary>
public sealed class CommandTableTests
{
    // The block as it read before the table existed (new-strategy added since); --help output must not drift from it.
    private const string CommandsBlock = """
        Commands:
          run <scenario.json>     run every strategy over the scenario's seeds (every cell of a
                                  sweep); write a run folder
          run --resume <file>     continue an interrupted run from its checkpoint
          validate <file>...      check scenario files without running them
          bench                   measure engine throughput on the canonical tick-1M workload
          check                   compare a device's kernels with the scalar reference engine
          list [topic]            strategies, metrics, drift processes, forgetting curves, devices
          report <run-dir>        redraw a run folder's report.html, report.md and plots/ from its files
          compare <run-dir>...    put several runs side by side in one report (results/compare/<time>)
          fit <log>               fit forgetting curves to an interaction log; write a calibrated scenario
          silo --port P --gateway G   host one Orleans silo for cluster runs (run --cluster H:G)
          new-strategy <Name>     scaffold a strategy plugin (a working decayed-history ranker),
                                  its tests and a scenario that runs it (docs/strategies.md)

        Global options:
        """;

    [Fact]
    public void Top_level_help_lists_the_commands_as_before()
    {
        var (code, stdout, _) = CliHarness.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains(CommandsBlock.ReplaceLineEndings("\n"), stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_command_prints_its_own_help()
    {
        foreach (var command in CommandTable.All)
        {
            var (code, stdout, stderr) = CliHarness.Run(command.Name, "--help");
            Assert.Equal(0, code);
            Assert.Equal(command.Help + Environment.NewLine, stdout);
            Assert.Empty(stderr);
        }
    }

    [Fact]
    public void Command_names_are_unique()
    {
        var names = CommandTable.Names.ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Unknown_command_suggests_the_nearest_and_exits_2()
    {
        var (code, _, stderr) = CliHarness.Run("lst");
        Assert.Equal(2, code);
        Assert.Contains("unknown command \"lst\" (did you mean \"list\"?)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_with_help_prints_the_top_level_help()
    {
        var (code, stdout, _) = CliHarness.Run("frobnicate", "--help");
        Assert.Equal(0, code);
        Assert.Equal(Simulator.Cli.Cli.Help + Environment.NewLine, stdout);
    }
}
