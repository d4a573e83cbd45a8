namespace Simulator.Core.Fitting;

/// <summary>
/// An interaction log in columns, as the readers fill it: one row per impression (simulator
/// exports: shown items with a clicked flag and slate position) or per engagement (real logs:
/// every row is an engagement). A history is one sequence of a user's behaviour (a user in one
/// strategy's world of one seed for exports; the user for real logs); a user may own several.
/// Columns are growable arrays rather than row objects so millions of rows cost ~30 bytes each.
/// </summary>
public sealed class InteractionLog
{
    private int[] _history = new int[1024];
    private int[] _topic = new int[1024];
    private double[] _time = new double[1024];
    private short[] _position = new short[1024];
    private bool[] _clicked = new bool[1024];
    private float[] _quality = new float[1024];
    private readonly List<int> _historyUser = [];

    /// <summary>True when rows are impressions (shown items, clicked or not); false for engagement-only logs.</summary>
    public bool HasImpressions { get; init; }

    /// <summary>Time at which every history is taken to have last engaged with every topic (the simulator's tick 0).</summary>
    public double Origin { get; init; }

    /// <summary>
    /// True when every row carries the shown item's quality (simulator exports: items.csv's quality
    /// column), so the impression likelihood fits a quality coefficient; real logs have none.
    /// </summary>
    public bool HasQuality { get; init; }

    public int Count { get; private set; }

    public int Histories => _historyUser.Count;

    /// <summary>Distinct users (indices 0..Users-1).</summary>
    public int Users { get; private set; }

    /// <summary>Distinct topics (indices 0..Topics-1).</summary>
    public int Topics { get; private set; }

    public ReadOnlySpan<int> History => _history.AsSpan(0, Count);

    public ReadOnlySpan<int> Topic => _topic.AsSpan(0, Count);

    public ReadOnlySpan<double> Time => _time.AsSpan(0, Count);

    /// <summary>0-based slate position of an impression; -1 in engagement-only logs.</summary>
    public ReadOnlySpan<short> Position => _position.AsSpan(0, Count);

    public ReadOnlySpan<bool> Clicked => _clicked.AsSpan(0, Count);

    /// <summary>Quality of the shown item (0 when the log has none; see <see cref="HasQuality"/>).</summary>
    public ReadOnlySpan<float> Quality => _quality.AsSpan(0, Count);

    /// <summary>The user owning each history.</summary>
    public int UserOf(int history) => _historyUser[history];

    /// <summary>Registers a history of a user; histories are numbered in registration order.</summary>
    public int AddHistory(int user)
    {
        _historyUser.Add(user);
        Users = Math.Max(Users, user + 1);
        return _historyUser.Count - 1;
    }

    public void Add(int history, int topic, double time, int position, bool clicked, float quality = 0f)
    {
        if (Count == _history.Length)
        {
            var size = Count * 2;
            Array.Resize(ref _history, size);
            Array.Resize(ref _topic, size);
            Array.Resize(ref _time, size);
            Array.Resize(ref _position, size);
            Array.Resize(ref _clicked, size);
            Array.Resize(ref _quality, size);
        }

        _history[Count] = history;
        _topic[Count] = topic;
        _time[Count] = time;
        _position[Count] = (short)Math.Clamp(position, -1, short.MaxValue);
        _clicked[Count] = clicked;
        _quality[Count] = quality;
        Topics = Math.Max(Topics, topic + 1);
        Count++;
    }

    /// <summary>
    /// Row indices ordered by (user, history, time, position, row): the order every estimator walks.
    /// A stable counting sort by history (histories ranked by user, then number) keeps each
    /// history's rows in file order, which is already time order in exports and most logs; only
    /// histories whose rows are not are sorted further. Linear on an export of 18.6M rows, where a
    /// comparison sort of the whole log took seconds.
    /// </summary>
    public int[] SortedRows()
    {
        var histories = Histories;
        var rank = new int[histories];
        var byUser = new int[histories];
        for (var h = 0; h < histories; h++)
        {
            byUser[h] = h;
        }

        var users = _historyUser;
        Array.Sort(byUser, (a, b) => users[a] != users[b] ? users[a].CompareTo(users[b]) : a.CompareTo(b));
        for (var k = 0; k < histories; k++)
        {
            rank[byUser[k]] = k;
        }

        var start = new int[histories + 1];
        var history = History;
        foreach (var h in history)
        {
            start[rank[h] + 1]++;
        }

        for (var k = 0; k < histories; k++)
        {
            start[k + 1] += start[k];
        }

        var next = (int[])start.Clone();
        var order = new int[Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[next[rank[history[i]]]++] = i;
        }

        var time = _time;
        var position = _position;
        Comparison<int> byTime = (a, b) =>
        {
            var c = time[a].CompareTo(time[b]);
            return c != 0 ? c : position[a] != position[b] ? position[a].CompareTo(position[b]) : a.CompareTo(b);
        };
        for (var k = 0; k < histories; k++)
        {
            for (var i = start[k] + 1; i < start[k + 1]; i++)
            {
                if (byTime(order[i - 1], order[i]) > 0)
                {
                    Array.Sort(order, start[k], start[k + 1] - start[k], Comparer<int>.Create(byTime));
                    break;
                }
            }
        }

        return order;
    }

    /// <summary>Earliest and latest time in the log.</summary>
    public (double First, double Last) Span()
    {
        var t = Time;
        if (t.IsEmpty)
        {
            return (0, 0);
        }

        double lo = t[0], hi = t[0];
        foreach (var x in t)
        {
            lo = Math.Min(lo, x);
            hi = Math.Max(hi, x);
        }

        return (lo, hi);
    }
}
