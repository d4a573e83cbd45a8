using Simulator.Core.Scenarios;

namespace Simulator.Core.Results;

/// <summary>One finished sweep cell: where it sits in the grid, its folder (relative to the sweep's folder) and its run.</summary>
public sealed record SweepCellResult(int Index, string Folder, IReadOnlyList<SweepSetting> Settings, RunResult Run);

/// <summary>A finished sweep: the sweep scenario, its axes and every cell's result, in grid order.</summary>
public sealed record SweepResult(string ScenarioName, string ScenarioJson, IReadOnlyList<SweepAxis> Axes, IReadOnlyList<SweepCellResult> Cells)
{
    /// <summary>The metric the crossover plots show: ndcg@k when the runs computed it, else their first metric.</summary>
    public string PrimaryMetric
    {
        get
        {
            var run = Cells[0].Run;
            return run.Metrics.FirstOrDefault(m => m.StartsWith("ndcg@", StringComparison.Ordinal)) ?? run.Metrics[0];
        }
    }

    /// <summary>Strategies in first-cell order (every cell runs the same strategies unless the sweep changes the list).</summary>
    public IReadOnlyList<string> Strategies => Cells.SelectMany(c => c.Run.Strategies).Distinct().ToArray();
}
