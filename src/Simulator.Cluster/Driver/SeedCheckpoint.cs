using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Simulator.Cluster.Grains;

namespace Simulator.Cluster;

/// <summary>A bad or foreign cluster checkpoint file: the message names the file and what is wrong.</summary>
public sealed class SeedCheckpointException(string message) : Exception(message);

/// <summary>
/// A cluster run's checkpoint: every seed that has finished, with its run record and series, kept
/// by the driver (so it survives any silo) and rewritten atomically each time a seed finishes.
/// Seeds are the cluster's unit of work, so a resumed run reruns only the seeds that had not
/// finished, on whatever silos remain, and merges in seed order: the result is byte-identical
/// to an uninterrupted run. The file holds the resolved scenario's SHA-256, so it cannot be
/// resumed with a different scenario.
/// </summary>
public sealed class SeedCheckpoint
{
    /// <summary>File name ending of cluster checkpoints (local ones end in .ckpt).</summary>
    public const string Extension = ".seeds.json";

    private const string Format = "simulator-cluster-checkpoint/1";

    // Series hold NaN where a metric is undefined (e.g. recovery before any event).
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly SortedDictionary<int, CompletedSeed> _seeds = [];
    private readonly object _gate = new();

    private SeedCheckpoint(string path, string scenarioJson)
    {
        FilePath = path;
        ScenarioJson = scenarioJson;
        ScenarioSha256 = Hash(scenarioJson);
    }

    public string FilePath { get; }

    /// <summary>The resolved scenario the seeds belong to (the checkpoint can be resumed without the scenario file).</summary>
    public string ScenarioJson { get; }

    public string ScenarioSha256 { get; }

    /// <summary>Finished seeds by seed index.</summary>
    public IReadOnlyDictionary<int, CompletedSeed> Seeds
    {
        get
        {
            lock (_gate)
            {
                return new SortedDictionary<int, CompletedSeed>(_seeds);
            }
        }
    }

    /// <summary>The saved seed, or null when it has not finished (no copy of the whole set, unlike <see cref="Seeds"/>).</summary>
    public CompletedSeed? Find(int seedIndex)
    {
        lock (_gate)
        {
            return _seeds.GetValueOrDefault(seedIndex);
        }
    }

    /// <summary>A new checkpoint for the scenario, written at once (with no seeds) so a failure can always name it.</summary>
    public static SeedCheckpoint Create(string path, string scenarioJson)
    {
        var checkpoint = new SeedCheckpoint(path, scenarioJson);
        lock (checkpoint._gate)
        {
            checkpoint.Save();
        }

        return checkpoint;
    }

    /// <summary>SHA-256 (hex) of a resolved scenario's JSON.</summary>
    public static string Hash(string scenarioJson) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scenarioJson)));

    /// <summary>True when the file starts like a cluster checkpoint (to tell it apart from a local one).</summary>
    public static bool LooksLikeOne(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var buffer = new char[128];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            return new string(buffer, 0, read).Contains(Format, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads a checkpoint; every defect becomes a <see cref="SeedCheckpointException"/> naming the file.</summary>
    public static SeedCheckpoint Open(string path)
    {
        SeedCheckpointDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<SeedCheckpointDocument>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedCheckpointException($"{path}: cannot be read ({e.Message})");
        }
        catch (JsonException e)
        {
            throw new SeedCheckpointException($"{path}: not a cluster checkpoint (invalid JSON at {e.Path ?? "$"}: {e.Message})");
        }

        if (document is null || document.Format != Format)
        {
            throw new SeedCheckpointException($"{path}: not a cluster checkpoint (expected \"format\": \"{Format}\")");
        }

        if (document.ScenarioJson is null || Hash(document.ScenarioJson) != document.ScenarioSha256)
        {
            throw new SeedCheckpointException($"{path}: the stored scenario does not match its SHA-256; the file is damaged");
        }

        var checkpoint = new SeedCheckpoint(path, document.ScenarioJson);
        foreach (var seed in document.Seeds ?? [])
        {
            if (seed.Run is null || seed.Series is null || seed.Run.SeriesLength != seed.Series.Length || seed.Run.SeedIndex < 0)
            {
                throw new SeedCheckpointException($"{path}: seed entry {seed.Run?.SeedIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} is incomplete (run record or series missing or of the wrong length)");
            }

            if (!checkpoint._seeds.TryAdd(seed.Run.SeedIndex, new CompletedSeed(seed.Run, seed.Series)))
            {
                throw new SeedCheckpointException($"{path}: seed {seed.Run.SeedIndex} appears twice");
            }
        }

        return checkpoint;
    }

    /// <summary>
    /// Where the running seeds' tick checkpoints go: "&lt;this file without .seeds.json&gt;.seed&lt;i&gt;.ckpt",
    /// beside this file (see <see cref="SeedTickCheckpoints"/>).
    /// </summary>
    public SeedTickCheckpoints TickCheckpoints(int every) => new(every, Path.GetFullPath(FilePath)[..^Extension.Length]);

    /// <summary>
    /// What the workers are told: save every <paramref name="every"/> ticks; or, with 0, resume from
    /// tick checkpoints an earlier attempt left; null when there is neither (nothing to read or write).
    /// </summary>
    public SeedTickCheckpoints? TickCheckpointsToUse(int every) => every > 0 || TickCheckpointFiles().Any() ? TickCheckpoints(every) : null;

    private IEnumerable<string> TickCheckpointFiles()
    {
        var stem = TickCheckpoints(0).Stem;
        var directory = Path.GetDirectoryName(stem)!;
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, Path.GetFileName(stem) + ".seed*" + SeedTickCheckpoints.Extension)
            : [];
    }

    /// <summary>
    /// Records a finished seed and rewrites the file atomically (temporary file, then rename); the
    /// seed's tick checkpoints, if any (one, or one or two per shard), are then no longer needed and are removed.
    /// </summary>
    public void Add(SeedRun run, double[] series)
    {
        lock (_gate)
        {
            _seeds[run.SeedIndex] = new CompletedSeed(run, series);
            Save();
            var ticks = TickCheckpoints(0);
            DeleteIfPresent(ticks.PathOf(run.SeedIndex));
            var directory = Path.GetDirectoryName(ticks.Stem)!;
            if (Directory.Exists(directory))
            {
                foreach (var shardFile in Directory.EnumerateFiles(directory, ticks.ShardPattern(run.SeedIndex)).ToList())
                {
                    DeleteIfPresent(shardFile);
                }
            }
        }
    }

    /// <summary>Writes the whole file through a temporary file and a rename; callers hold the lock.</summary>
    private void Save()
    {
        var document = new SeedCheckpointDocument
        {
            Format = Format,
            ScenarioSha256 = ScenarioSha256,
            ScenarioJson = ScenarioJson,
            Seeds = _seeds.Values.Select(s => new SeedEntry { Run = s.Run, Series = s.Series }).ToList(),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Json));
        File.Move(temporary, FilePath, overwrite: true);
    }

    /// <summary>Removes the file, and any tick checkpoint left beside it, once the run it belongs to has been written.</summary>
    public void Delete()
    {
        foreach (var left in TickCheckpointFiles().ToList())
        {
            DeleteIfPresent(left);
        }

        DeleteIfPresent(FilePath);
    }

    private static void DeleteIfPresent(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private sealed class SeedCheckpointDocument
    {
        public string? Format { get; set; }

        public string? ScenarioSha256 { get; set; }

        public string? ScenarioJson { get; set; }

        public List<SeedEntry>? Seeds { get; set; }
    }

    private sealed class SeedEntry
    {
        public SeedRun? Run { get; set; }

        public double[]? Series { get; set; }
    }
}

/// <summary>A finished seed: where and how it ran, and its series laid out [strategy][tick][metric].</summary>
public sealed record CompletedSeed(SeedRun Run, double[] Series);
