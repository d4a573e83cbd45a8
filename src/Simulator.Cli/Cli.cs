using Simulator.Cli.Infrastructure;

namespace Simulator.Cli;

/// <summary>The command dispatcher, callable in-process (tests) with any writers.</summary>
public static class Cli
{
    /// <summary>The top-level help; its "Commands:" block comes from <see cref="CommandTable"/>.</summary>
    public static string Help { get; } = $"""
        simulator - a forgetting-aware recommender simulator scored against ground truth

        Usage: simulator <command> [options]

        Commands:
        {CommandTable.SummaryBlock()}

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
                stdout.WriteLine(CommandTable.Find(command)?.Help ?? Help);
                return ExitCodes.Success;
            }

            var entry = CommandTable.Find(command)
                ?? throw new UsageException($"unknown command \"{command}\"{Core.Scenarios.Suggest.DidYouMean(command, CommandTable.Names)}; see simulator --help");
            return entry.Execute(reader, stdout, stderr, cancel);
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
        catch (Core.Strategies.StrategyException e)
        {
            stderr.WriteLine($"error: {e.Message}; no run folder was written");
            return e.IsConfiguration ? ExitCodes.InvalidInput : ExitCodes.RuntimeFailure;
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
}
