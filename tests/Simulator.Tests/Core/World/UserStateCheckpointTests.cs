using Simulator.Core.Checkpoints;
using Simulator.Core.Compute;
using Simulator.Core.Scenarios;
using Simulator.Core.Simulation;
using Simulator.Core.Simulation.Stages;
using Simulator.Core.World;

namespace Simulator.Tests.Core.World;

/// <summary>
/// The user-side state passes through <see cref="ICheckpointable.ExchangeState"/> completely: a
/// copy restored from a saved state continues exactly like the original.
/// </summary>
public sealed class UserStateCheckpointTests
{
    /// <summary>An in-memory exchange: saving copies every entry by name, restoring copies it back.</summary>
    private sealed class MemoryExchange : StateExchange
    {
        private readonly Dictionary<string, Array> _entries = [];

        public bool Restoring { get; set; }

        public override bool IsRestoring => Restoring;

        public override void Floats(string name, Span<float> values) => Exchange(name, values);

        public override void Doubles(string name, Span<double> values) => Exchange(name, values);

        public override void Ints(string name, Span<int> values) => Exchange(name, values);

        public override void Longs(string name, Span<long> values) => Exchange(name, values);

        public override void Bytes(string name, Span<byte> values) => Exchange(name, values);

        public override void Value(string name, ref double value) => throw new NotSupportedException();

        public override void Value(string name, ref long value) => throw new NotSupportedException();

        private void Exchange<T>(string name, Span<T> values)
        {
            if (Restoring)
            {
                ((T[])_entries[name]).CopyTo(values);
            }
            else
            {
                _entries[name] = values.ToArray();
            }
        }
    }

    [Fact]
    public void Population_logits_and_world_churn_state_resume_exactly()
    {
        var scenario = ScenarioParser.Parse(
            """{ "population": { "users": 500, "topics": 4 }, "drift": { "kind": "ornstein-uhlenbeck" }, "churn": { "threshold": 0.5, "patience": 2 } }""", "x");
        var engine = new ReferenceEngine();
        using var original = new Population(engine, scenario, 1, new ParallelOptions());
        using var originalWorld = new WorldState(engine, 500, 4, 1);
        var arrived = Enumerable.Range(0, 500).Select(u => (byte)(u % 4 == 0 ? 0 : 1)).ToArray();
        void Tick(Population p, WorldState w, int t)
        {
            DriftProcesses.Apply(p, scenario, t, 0, p.Users);
            p.RefreshPreference();
            ArriveStage.ApplyChurn(scenario.Churn, 1, 0, t, arrived, w, 0, p.Users);
            for (var u = 0; u < p.Users; u++)
            {
                w.ExpectedCtr.Host[u] = p.Preference.Host[u * 4];
            }
        }

        for (var t = 0; t < 6; t++)
        {
            Tick(original, originalWorld, t);
        }

        var saved = new MemoryExchange();
        original.ExchangeState(saved);
        originalWorld.Churn.ExchangeState(saved);

        using var resumed = new Population(engine, scenario, 1, new ParallelOptions());
        using var resumedWorld = new WorldState(engine, 500, 4, 1);
        saved.Restoring = true;
        resumed.ExchangeState(saved);
        resumedWorld.Churn.ExchangeState(saved);
        Assert.Equal(original.Preference.Host, resumed.Preference.Host);

        for (var t = 6; t < 12; t++)
        {
            Tick(original, originalWorld, t);
            Tick(resumed, resumedWorld, t);
            Assert.Equal(original.Logits, resumed.Logits);
            Assert.Equal(originalWorld.Active.Host, resumedWorld.Active.Host);
            Assert.Equal(originalWorld.Churn.Smoothed, resumedWorld.Churn.Smoothed);
            Assert.Equal(originalWorld.Churn.Churned, resumedWorld.Churn.Churned);
        }

        Assert.Contains(originalWorld.Churn.Churned, c => c == 1);
    }
}
