using Simulator.Core.Checkpoints;
using Simulator.Core.Randomness;
using Simulator.Core.Strategies.Learned;

namespace Simulator.Core.Strategies.Sequence;

/// <summary>
/// Every trainable parameter of a sequence model in one flat array of named blocks, so a gradient
/// is one array of the same layout, chunk gradients merge with one loop, and Adam and checkpoints
/// see one array. Blocks are registered in a fixed order before <see cref="Seal"/>; a block is a
/// (offset, length) view into <see cref="Values"/>.
/// </summary>
internal sealed class ParameterSet : ICheckpointable
{
    private readonly List<(string Name, int Offset, int Length)> _blocks = [];
    private readonly List<Action<float[]>> _initialisers = [];
    private float[] _values = [];
    private AdamOptimizer? _adam;
    private long _steps;

    /// <summary>The parameters, block after block.</summary>
    public float[] Values => _values;

    public int Count => _values.Length;

    /// <summary>The named blocks in registration order (name, offset, length).</summary>
    public IReadOnlyList<(string Name, int Offset, int Length)> Blocks => _blocks;

    /// <summary>Adam steps taken so far.</summary>
    public long Steps => _steps;

    /// <summary>
    /// Registers a block initialised with N(0, scale^2) draws keyed by (seed, the block's name, element):
    /// keyed by name, not position, so twins that differ by a block (time terms) start every block they
    /// share from the same values.
    /// </summary>
    public Block Normal(string name, int length, float scale, ulong seed)
    {
        var key = NameKey(name);
        return Add(name, length, (values, offset) =>
        {
            for (var i = 0; i < length; i++)
            {
                values[offset + i] = scale * KeyedRandom.Normal(seed, RandomStreams.StrategySequenceInit, key, 0, (uint)i);
            }
        });
    }

    /// <summary>Registers a block filled with one value.</summary>
    public Block Constant(string name, int length, float value) =>
        Add(name, length, (values, offset) => values.AsSpan(offset, length).Fill(value));

    /// <summary>Registers a block initialised from <paramref name="initial"/> (copied).</summary>
    public Block From(string name, ReadOnlySpan<float> initial)
    {
        var copy = initial.ToArray();
        return Add(name, copy.Length, (values, offset) => copy.CopyTo(values, offset));
    }

    /// <summary>Allocates the array and runs every block's initialiser; no block may be added after.</summary>
    public void Seal()
    {
        var total = _blocks.Sum(b => b.Length);
        _values = new float[total];
        for (var b = 0; b < _blocks.Count; b++)
        {
            _initialisers[b](_values);
        }

        _adam = new AdamOptimizer("sequence", total);
    }

    /// <summary>One Adam step with the (already averaged) gradient.</summary>
    public void Step(ReadOnlySpan<float> gradient, float learningRate)
    {
        _steps++;
        _adam!.Step(_values, gradient, learningRate, _steps);
    }

    public void ExchangeState(StateExchange state)
    {
        state.Floats("sequence.parameters", _values);
        _adam!.ExchangeState(state);
        state.Value("sequence.steps", ref _steps);
    }

    /// <summary>FNV-1a of the name's characters: a stable 32-bit key (string.GetHashCode is randomised per process).</summary>
    private static uint NameKey(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private Block Add(string name, int length, Action<float[], int> initialise)
    {
        if (_values.Length > 0)
        {
            throw new InvalidOperationException($"parameter block {name} added after the set was sealed");
        }

        var offset = _blocks.Sum(b => b.Length);
        _blocks.Add((name, offset, length));
        _initialisers.Add(values => initialise(values, offset));
        return new Block(offset, length);
    }

    /// <summary>A block's place in the flat array (and in every gradient of the same layout).</summary>
    public readonly record struct Block(int Offset, int Length)
    {
        public Span<float> Of(float[] array) => array.AsSpan(Offset, Length);

        public ReadOnlySpan<float> Of(ReadOnlySpan<float> array) => array.Slice(Offset, Length);
    }
}
