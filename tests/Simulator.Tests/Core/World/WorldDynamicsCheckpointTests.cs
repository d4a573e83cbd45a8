using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.World;
using Simulator.Tests.Support;

namespace Simulator.Tests.Core.World;

/// <summary>Satiation levels and item click counts pass through ExchangeState both ways (what a resumed run needs).</summary>
public sealed class WorldDynamicsCheckpointTests
{
    /// <summary>Keeps entries by name in memory: saving writes them, restoring reads them back.</summary>
    private sealed class MemoryExchange(bool restoring, Dictionary<string, Array> store) : StateExchange
    {
        public override bool IsRestoring => restoring;

        public override void Floats(string name, Span<float> values) => Move(name, values);

        public override void Doubles(string name, Span<double> values) => Move(name, values);

        public override void Ints(string name, Span<int> values) => Move(name, values);

        public override void Longs(string name, Span<long> values) => Move(name, values);

        public override void Bytes(string name, Span<byte> values) => Move(name, values);

        public override void Value(string name, ref double value) => throw new NotSupportedException();

        public override void Value(string name, ref long value) => throw new NotSupportedException();

        private void Move<T>(string name, Span<T> values)
        {
            if (restoring)
            {
                ((T[])store[name]).AsSpan().CopyTo(values);
            }
            else
            {
                store[name] = values.ToArray();
            }
        }
    }

    [Fact]
    public void Satiation_and_click_counts_survive_a_save_and_restore()
    {
        var scenario = TestScenarios.Small(json => json.Replace(
            "\"catalog\": { \"items\": 60 },",
            "\"catalog\": { \"items\": 60, \"socialProof\": 0.2 }, \"choice\": { \"satiationWeight\": 1 },",
            StringComparison.Ordinal));
        var engine = new ReferenceEngine();
        using var saved = new WorldDynamics(engine, scenario, scenario.Population.Users);
        for (var i = 0; i < saved.Satiation!.Level.Length; i++)
        {
            saved.Satiation.Level[i] = 0.01f * i;
        }

        for (var i = 0; i < saved.Appeal!.Clicks.Length; i++)
        {
            saved.Appeal.Clicks[i] = 3L * i;
        }

        var store = new Dictionary<string, Array>();
        saved.ExchangeState(new MemoryExchange(false, store));
        Assert.Equal(["appeal.clicks", "satiation.level"], store.Keys.Order());

        using var restored = new WorldDynamics(engine, scenario, scenario.Population.Users);
        restored.ExchangeState(new MemoryExchange(true, store));
        Assert.Equal(saved.Satiation.Level, restored.Satiation!.Level);
        Assert.Equal(saved.Appeal.Clicks, restored.Appeal!.Clicks);

        // Off by default: nothing to exchange.
        using var off = new WorldDynamics(engine, TestScenarios.Small(), TestScenarios.Small().Population.Users);
        var none = new Dictionary<string, Array>();
        off.ExchangeState(new MemoryExchange(false, none));
        Assert.Empty(none);
    }
}
