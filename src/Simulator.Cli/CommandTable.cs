using Simulator.Cli.Commands;
using Simulator.Cli.Fitting;

namespace Simulator.Cli;

/// <summary>
/// Every `simulator` command, in the order the top-level help lists them. Dispatch, "did you
/// mean" suggestions, per-command help and the help's "Commands:" block all read this one table,
/// so a new command is added in one place.
/// </summary>
internal static class CommandTable
{
    public static IReadOnlyList<CliCommand> All { get; } =
    [
        new(
            "run",
            """
            run <scenario.json>     run every strategy over the scenario's seeds (every cell of a
                                    sweep); write a run folder
            run --resume <file>     continue an interrupted run from its checkpoint
            """,
            RunCommand.Help,
            RunCommand.Execute),
        new(
            "validate",
            "validate <file>...      check scenario files without running them",
            ValidateCommand.Help,
            (args, stdout, stderr, _) => ValidateCommand.Execute(args, stdout, stderr)),
        new(
            "bench",
            "bench                   measure engine throughput on the canonical tick-1M workload",
            BenchCommand.Help,
            BenchCommand.Execute),
        new(
            "check",
            "check                   compare a device's kernels with the scalar reference engine",
            CheckCommand.Help,
            (args, stdout, stderr, _) => CheckCommand.Execute(args, stdout, stderr)),
        new(
            "list",
            "list [topic]            strategies, metrics, drift processes, forgetting curves, devices",
            ListCommand.Help,
            (args, stdout, _, _) => ListCommand.Execute(args, stdout)),
        new(
            "report",
            "report <run-dir>        redraw a run folder's report.html, report.md and plots/ from its files",
            ReportCommand.Help,
            (args, stdout, _, _) => ReportCommand.Execute(args, stdout)),
        new(
            "compare",
            "compare <run-dir>...    put several runs side by side in one report (results/compare/<time>)",
            CompareCommand.Help,
            (args, stdout, stderr, _) => CompareCommand.Execute(args, stdout, stderr)),
        new(
            "fit",
            "fit <log>               fit forgetting curves to an interaction log; write a calibrated scenario",
            FitCommand.Help,
            FitCommand.Execute),
        new(
            "silo",
            "silo --port P --gateway G   host one Orleans silo for cluster runs (run --cluster H:G)",
            SiloCommand.Help,
            SiloCommand.Execute),
        new(
            "new-strategy",
            """
            new-strategy <Name>     scaffold a strategy plugin (a working decayed-history ranker),
                                    its tests and a scenario that runs it (docs/strategies.md)
            """,
            NewStrategyCommand.Help,
            (args, stdout, _, _) => NewStrategyCommand.Execute(args, stdout)),
    ];

    /// <summary>Command names, the candidates for "did you mean" suggestions.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>The command called <paramref name="name"/> (names are case-sensitive), or null.</summary>
    public static CliCommand? Find(string name) => All.FirstOrDefault(c => c.Name == name);

    /// <summary>The help's "Commands:" block: every command's summary lines, indented two spaces.</summary>
    public static string SummaryBlock() =>
        string.Join('\n', All.Select(c => "  " + c.Summary.ReplaceLineEndings("\n  ")));
}
