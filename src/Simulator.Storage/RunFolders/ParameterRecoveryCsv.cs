using System.Globalization;
using Simulator.Core.Results;
using Simulator.Core.Statistics;

namespace Simulator.Storage.RunFolders;

/// <summary>
/// parameter-recovery.csv: <c>seed,strategy,user,true_rate,fitted_rate</c>, one row per sampled
/// user (at most 2,000 per seed and strategy) of every strategy that fits forgetting; true_rate
/// is 1 / the user's forgetting time scale, fitted_rate the strategy's estimate. The data behind
/// the Spearman correlation in summary.json, for scatter plots. Round-trip numbers.
/// </summary>
public static class ParameterRecoveryCsv
{
    public const string Header = "seed,strategy,user,true_rate,fitted_rate";

    public static void Write(RunResult run, TextWriter writer)
    {
        writer.Write(Header);
        writer.Write('\n');
        foreach (var p in run.ParameterRecoveryPoints)
        {
            writer.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"{p.Seed},{p.Strategy},{p.User},{p.TrueRate.ToString("R", CultureInfo.InvariantCulture)},{p.FittedRate.ToString("R", CultureInfo.InvariantCulture)}\n"));
        }
    }

    /// <summary>Reads the file back; empty when the run folder has none (no strategy fitted forgetting).</summary>
    public static IReadOnlyList<RecoveryPoint> ReadIfPresent(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var points = new List<RecoveryPoint>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (line != Header)
                {
                    throw new RunFolderException($"{path}:1: header must be \"{Header}\"");
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != 5
                || !ulong.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
                || !int.TryParse(cells[2], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
                || !double.TryParse(cells[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var truth)
                || !double.TryParse(cells[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var fitted))
            {
                throw new RunFolderException($"{path}:{lineNumber}: expected seed,strategy,user,true_rate,fitted_rate with numbers");
            }

            points.Add(new RecoveryPoint(seed, cells[1], user, truth, fitted));
        }

        return points;
    }
}
