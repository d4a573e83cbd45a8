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

        No field takes null: "population": null is an error, not the default; leave a field
        out for its default. A field written twice in one object is an error too.
        A file valid here is valid against scenarios/schema.json. The simulator is stricter
        only by rules that compare values, which the schema cannot express (docs/scenarios.md):
          slate-fits-catalog    slateSize is at most catalog.items
          initial-items         catalog.initialItems is 0 or between slateSize and catalog.items
          events-before-end     every drift event tick is below ticks
          reference-listed      reference is one of the scenario's strategies
          strategy-once         each strategy is listed once, by name or as an object
          segment-once          segment names are distinct
          metric-k              ndcg@k, recall@k, hitrate@k name k = slateSize
          heads-divide-hidden   sasrec's and tisasrec's heads divide their hidden width
          sweep-values          sweep keys are settable paths, every value and cell is valid

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
