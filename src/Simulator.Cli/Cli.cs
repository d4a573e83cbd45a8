using Simulator.Cli.Commands;
using Simulator.Cli.Infrastructure;

namespace Simulator.Cli;

/// <summary>The command dispatcher, callable in-process (tests) with any writers.</summary>
public static class Cli
{
    public const string Help = """
        simulator - a forgetting-aware recommender simulator scored against ground truth

        Usage: simulator <command> [options]

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

        Global options:
          --help, -h              help for the command
          --quiet                 no progress output

        Exit codes: 0 success, 1 runtime failure, 2 invalid input (including a scenario too
        large for the memory available, or a damaged checkpoint), 130 interrupted.

        Examples:
          simulator run scenarios/quickstart.json
          simulator run scenarios/quickstart.json --seeds 5 --users 5000 --ticks 40
          simulator run scenarios/sweep-forgetting.json
          simulator run scenarios/quickstart.json --checkpoint-every 10
          simulator validate scenarios/*.json
          simulator bench --users 1000000 --items 1000
          simulator list strategies
          simulator report results/quickstart/20260101-120000
          simulator compare results/quickstart/20260101-120000 results/drift-abrupt/20260101-121500
          simulator fit ratings.dat --min-rating 4 --out calibrated.json --report results/fit
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine(Help);
            return args.Length == 0 ? ExitCodes.InvalidInput : ExitCodes.Success;
        }

        var command = args[0];
        var reader = new ArgumentReader(args.Skip(1));
        try
        {
            // --quiet is global: commands without progress output accept it too.
            reader.Flag("quiet");
            if (reader.Flag("help"))
            {
                stdout.WriteLine(CommandHelp(command));
                return ExitCodes.Success;
            }

            return command switch
            {
                "run" => RunCommand.Execute(reader, stdout, stderr, cancel),
                "validate" => ValidateCommand.Execute(reader, stdout, stderr),
                "bench" => BenchCommand.Execute(reader, stdout, stderr, cancel),
                "list" => ListCommand.Execute(reader, stdout),
                "check" => CheckCommand.Execute(reader, stdout, stderr),
                "report" => ReportCommand.Execute(reader, stdout),
                "compare" => CompareCommand.Execute(reader, stdout, stderr),
                "fit" => Fitting.FitCommand.Execute(reader, stdout),
                "silo" => SiloCommand.Execute(reader, stdout, stderr, cancel),
                _ => throw new UsageException($"unknown command \"{command}\"{Core.Scenarios.Suggest.DidYouMean(command, Commands)}; see simulator --help"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Storage.RunFolders.RunFolderException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Core.Checkpoints.CheckpointException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Core.Simulation.NumericalGuardException e)
        {
            stderr.WriteLine($"error: {e.Message}; no run folder was written");
            return ExitCodes.RuntimeFailure;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("interrupted: stopped between ticks; no run folder was written");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: unexpected failure: {e.GetType().Name}: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }

    private static readonly string[] Commands = ["run", "validate", "bench", "list", "check", "report", "compare", "fit", "silo"];

    private static string CommandHelp(string command) => command switch
    {
        "run" => RunCommand.Help,
        "validate" => ValidateCommand.Help,
        "bench" => BenchCommand.Help,
        "list" => ListCommand.Help,
        "check" => CheckCommand.Help,
        "report" => ReportCommand.Help,
        "compare" => CompareCommand.Help,
        "fit" => Fitting.FitCommand.Help,
        "silo" => SiloCommand.Help,
        _ => Help,
    };
}
