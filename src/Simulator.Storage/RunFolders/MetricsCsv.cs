using System.Globalization;
using System.Text;
using Simulator.Core.Results;

namespace Simulator.Storage.RunFolders;

/// <summary>metrics.csv: one row per (strategy, seed, tick), one column per metric, round-trip numbers.</summary>
public static partial class MetricsCsv
{
    public static void Write(RunResult run, TextWriter writer)
    {
        writer.Write("strategy,seed,tick");
        foreach (var metric in run.Metrics)
        {
            writer.Write(',');
            writer.Write(metric);
        }

        writer.Write('\n');
        var line = new StringBuilder();
        for (var w = 0; w < run.Strategies.Count; w++)
        {
            for (var s = 0; s < run.Seeds.Count; s++)
            {
                for (var t = 0; t < run.Ticks; t++)
                {
                    line.Clear();
                    line.Append(run.Strategies[w]).Append(',')
                        .Append(run.Seeds[s].ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(t.ToString(CultureInfo.InvariantCulture));
                    for (var m = 0; m < run.Metrics.Count; m++)
                    {
                        line.Append(',').Append(run.Series[w, s, t, m].ToString("R", CultureInfo.InvariantCulture));
                    }

                    line.Append('\n');
                    writer.Write(line);
                }
            }
        }
    }
}
