namespace Simulator.Storage.InteractionLogs;

/// <summary>
/// Dense integer ids for text keys (users, items, topics), looked up by span so reading a
/// known key allocates nothing; only a new key's string is kept.
/// </summary>
internal sealed class IdTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _names = [];

    public IdTable()
    {
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _names.Count;

    public IReadOnlyList<string> Names => _names;

    /// <summary>The id of a key, assigning the next id when it is new.</summary>
    public int this[ReadOnlySpan<char> key]
    {
        get
        {
            if (_lookup.TryGetValue(key, out var id))
            {
                return id;
            }

            var name = key.ToString();
            id = _names.Count;
            _ids[name] = id;
            _names.Add(name);
            return id;
        }
    }

    public bool TryGet(ReadOnlySpan<char> key, out int id) => _lookup.TryGetValue(key, out id);
}
