using Simulator.Core.Simulation;

namespace Simulator.Storage.Export;

/// <summary>
/// The synthetic dataset export: a <see cref="ITickObserver"/> that streams interactions.csv,
/// users.csv and items.csv while the run goes, so no tick's rows are held in memory. Rows follow
/// the run's own order (seed, then tick, then strategy, user, position), which is the same for
/// any thread count, so the files are byte-identical across thread counts.
/// Call <see cref="Complete"/> after the run; disposing without it closes the files unflushed
/// (the caller deletes the unfinished folder).
/// </summary>
public sealed class DatasetExporter : ITickObserver, IDisposable
{
    private readonly Utf8CsvWriter _interactions;
    private readonly Utf8CsvWriter _users;
    private readonly Utf8CsvWriter _items;
    private byte[][] _strategyFields = [];

    /// <summary>Creates the three files at <paramref name="pathOf"/>(file name) and writes their headers.</summary>
    public static DatasetExporter Create(Func<string, string> pathOf, int dim)
    {
        var opened = new List<FileStream>();
        try
        {
            foreach (var name in new[] { DatasetFiles.Interactions, DatasetFiles.Users, DatasetFiles.Items })
            {
                // Unbuffered: Utf8CsvWriter already hands over 64 KiB blocks.
                opened.Add(new FileStream(pathOf(name), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0));
            }

            return new DatasetExporter(opened[0], opened[1], opened[2], dim);
        }
        catch
        {
            // A file that cannot be created must not leave the others open (the folder is deleted next).
            opened.ForEach(f => f.Dispose());
            throw;
        }
    }

    /// <summary>Writes to the given streams (tests: memory or counting streams); takes ownership of them. dim: the scenario's topics, the width of items.csv's embedding.</summary>
    public DatasetExporter(Stream interactions, Stream users, Stream items, int dim)
    {
        _interactions = new Utf8CsvWriter(interactions);
        _users = new Utf8CsvWriter(users);
        _items = new Utf8CsvWriter(items);
        _interactions.Line(DatasetFiles.InteractionsHeader + "\n");
        _users.Line(DatasetFiles.UsersHeader + "\n");
        _items.Line(DatasetFiles.ItemsHeader(dim) + "\n");
    }

    /// <summary>interactions.csv rows written so far (header excluded).</summary>
    public long InteractionRows { get; private set; }

    /// <summary>interactions.csv bytes written so far.</summary>
    public long InteractionBytes => _interactions.BytesWritten;

    public void SeedStarted(SeedView seed)
    {
        _strategyFields = seed.Scenario.Strategies.Select(s => Utf8CsvWriter.Field(s.Name)).ToArray();
        GroundTruthRows.WriteUsers(_users, seed);
        GroundTruthRows.WriteItems(_items, seed);
    }

    public void TickCompleted(TickView tick) =>
        InteractionRows += Export.InteractionRows.Write(_interactions, tick, _strategyFields);

    /// <summary>Flushes every file: call once the run has finished.</summary>
    public void Complete()
    {
        _interactions.Flush();
        _users.Flush();
        _items.Flush();
    }

    public void Dispose()
    {
        _interactions.Dispose();
        _users.Dispose();
        _items.Dispose();
    }
}
