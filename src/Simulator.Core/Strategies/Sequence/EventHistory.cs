using Simulator.Core.Checkpoints;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// Each user's last <see cref="Window"/> engagements (clicks), oldest overwritten first: the item,
/// the tick, ln(1 + dwell) and the slate position, never a copy of an embedding, so a million users
/// hold 13 bytes per event. Layout: [N x L] per column, a user's events in a ring starting at
/// (<see cref="Count"/> - length) mod L. Reads return events oldest first.
/// </summary>
internal sealed class EventHistory : ICheckpointable
{
    private readonly int[] _item;
    private readonly int[] _tick;
    private readonly float[] _logDwell;
    private readonly byte[] _position;
    private readonly int[] _count;

    /// <summary>Item, tick, ln(1 + dwell) and position: the bytes one held event costs.</summary>
    public const int BytesPerEvent = 4 + 4 + 4 + 1;

    public EventHistory(int users, int window)
    {
        Users = users;
        Window = window;
        _item = new int[users * window];
        _tick = new int[users * window];
        _logDwell = new float[users * window];
        _position = new byte[users * window];
        _count = new int[users];
    }

    public int Users { get; }

    /// <summary>L: events kept per user.</summary>
    public int Window { get; }

    /// <summary>The ring columns [N x L] and the counts [N], for binding to the compute engine.</summary>
    public int[] Items => _item;

    public int[] Ticks => _tick;

    public float[] LogDwell => _logDwell;

    public byte[] Positions => _position;

    public int[] Counts => _count;

    /// <summary>Events the user has had in all (not capped at the window).</summary>
    public int Count(int user) => _count[user];

    /// <summary>Events held for the user: min(count, L).</summary>
    public int Length(int user) => Math.Min(_count[user], Window);

    /// <summary>The tick of the user's latest event; -1 when there is none.</summary>
    public int LastTick(int user) => _count[user] == 0 ? -1 : _tick[Slot(user, Length(user) - 1)];

    /// <summary>Event <paramref name="j"/> of the user, 0 = the oldest held.</summary>
    public Event At(int user, int j)
    {
        var s = Slot(user, j);
        return new Event(_item[s], _tick[s], _logDwell[s], _position[s]);
    }

    /// <summary>Appends an engagement; the oldest is dropped once L are held.</summary>
    public void Add(int user, int item, int tick, float dwell, int position)
    {
        var s = (user * Window) + (_count[user] % Window);
        _item[s] = item;
        _tick[s] = tick;
        _logDwell[s] = MathF.Log(1f + MathF.Max(dwell, 0f));
        _position[s] = (byte)Math.Min(position, byte.MaxValue);
        _count[user]++;
    }

    public void ExchangeState(StateExchange state)
    {
        state.Ints("history.item", _item);
        state.Ints("history.tick", _tick);
        state.Floats("history.logDwell", _logDwell);
        state.Bytes("history.position", _position);
        state.Ints("history.count", _count);
    }

    /// <summary>Bytes held per user for a window of L events.</summary>
    public static long BytesPerUser(int window) => (13L * window) + 4;

    private int Slot(int user, int j)
    {
        var first = _count[user] <= Window ? 0 : _count[user] % Window;
        return (user * Window) + ((first + j) % Window);
    }

    /// <summary>One engagement: the clicked item, its tick, ln(1 + dwell) and the slate position it was clicked at.</summary>
    public readonly record struct Event(int Item, int Tick, float LogDwell, int Position);
}
