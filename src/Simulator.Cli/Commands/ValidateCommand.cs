using Simulator.Cli.Infrastructure;
using Simulator.Core.Scenarios;

namespace Simulator.Cli.Commands;

/// <summary>`simulator validate`: checks scenario files without running them.</summary>
public static class ValidateCommand
{
    public const string Help = """
        simulator validate <file>...

        Checks scenario files (and bench experiment files, named bench-*.json) without running them.
        Every problem is printed as file:line: $.json.path: what was found and what was expected
        (a value given with --set has no line and names the override). A file named schema.json
        (the JSON Schema of scenario files, scenarios/schema.json) is skipped.
        Exit code 0 when all files are valid, 2 otherwise.

        Example:
          simulator validate scenarios/*.json
        """;

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr)
    {
        args.Finish(int.MaxValue);
        if (args.Positionals.Count == 0)
        {
            throw new UsageException("validate needs at least one scenario file");
        }

        var failures = 0;
        foreach (var path in args.Positionals)
        {
            if (Path.GetFileName(path) == "schema.json")
            {
                stdout.WriteLine($"{path}: the JSON Schema of scenario files; skipped");
                continue;
            }

            try
            {
                if (Path.GetFileName(path).StartsWith("bench-", StringComparison.Ordinal))
                {
                    var experiment = BenchExperiment.Parse(ScenarioFiles.ReadText(path), Path.GetFileNameWithoutExtension(path));
                    stdout.WriteLine($"{path}: valid bench experiment ({experiment.Users.Count * experiment.Items.Count} sizes on {experiment.Device})");
                    continue;
                }

                var scenario = ScenarioFiles.Load(path);
                stdout.WriteLine($"{path}: valid ({scenario.Name}: {scenario.Population.Users} users, {scenario.Strategies.Count} strategies" +
                    (scenario.Sweep.Count > 0 ? $", a sweep of {scenario.Sweep.Aggregate(1, (n, axis) => n * axis.Values.Count)} cells)" : ")"));
            }
            catch (ScenarioException e)
            {
                stderr.WriteLine(ScenarioFiles.Format(path, e));
                failures++;
            }
            catch (UsageException e)
            {
                stderr.WriteLine(e.Message);
                failures++;
            }
        }

        return failures == 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
    }
}
