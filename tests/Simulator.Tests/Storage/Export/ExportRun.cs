using System.Globalization;
using System.Text;
using Simulator.Core.Compute;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Storage.Export;

namespace Simulator.Tests.Storage.Export;

/// <summary>A run with the dataset export attached, its files kept in memory, parsed for checks.</summary>
internal sealed class ExportRun
{
    private ExportRun(RunResult result, string interactions, string users, string items)
    {
        Result = result;
        InteractionsText = interactions;
        UsersText = users;
        ItemsText = items;
        Interactions = CsvText.Rows(interactions);
        Users = CsvText.Rows(users);
        Items = CsvText.Rows(items);
    }

    public RunResult Result { get; }

    public string InteractionsText { get; }

    public string UsersText { get; }

    public string ItemsText { get; }

    /// <summary>Rows including the header row.</summary>
    public List<string[]> Interactions { get; }

    public List<string[]> Users { get; }

    public List<string[]> Items { get; }

    public static ExportRun Of(Scenario scenario, int threads = 2)
    {
        var interactions = new MemoryStream();
        var users = new MemoryStream();
        var items = new MemoryStream();
        RunResult result;
        using (var engine = new CpuEngine(threads))
        using (var exporter = new DatasetExporter(interactions, users, items, scenario.Dim))
        {
            result = SimulationRunner.Run(scenario, engine, new RunOptions { Threads = threads, Observer = exporter });
            exporter.Complete();
        }

        return new ExportRun(result, Text(interactions), Text(users), Text(items));
    }

    public static double Number(string field) => double.Parse(field, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static float Single(string field) => float.Parse(field, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Text(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());
}
