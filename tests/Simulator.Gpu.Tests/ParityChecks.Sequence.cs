using Simulator.Core.Compute;

namespace Simulator.Gpu.Tests;

/// <summary>
/// The sequence models' operations on the kernels: a cell step of every cell (rows naming a subset
/// of users in scrambled order), the recurrent readout, and the attention readout over ring windows
/// that are empty, partly filled and wrapped, with and without interval terms.
/// </summary>
public abstract partial class ParityChecks
{
    public static TheoryData<int, int, int, int> RecurrentCases => new()
    {
        { (int)RecurrentCell.Gru, 9, 6, 8 },
        { (int)RecurrentCell.Lstm, 33, 18, 16 },
        { (int)RecurrentCell.TimeLstm, 33, 18, 16 },
        { (int)RecurrentCell.TimeLstm, 7, 5, 6 },
    };

    public static TheoryData<int, int, int, int, bool> AttentionCases => new()
    {
        { 9, 16, 1, 1, false },
        { 33, 16, 1, 1, true },
        { 33, 32, 2, 4, true },
        { 13, 6, 2, 2, true },
    };

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(RecurrentCases))]
    public Task Recurrent_step_and_readout_match_reference(int cell, int users, int inputs, int hidden) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var layout = new RecurrentLayout((RecurrentCell)cell, inputs, hidden);
        var parameters = TestData.Floats(91, layout.Length, -0.5f, 0.5f);
        var rowUsers = Enumerable.Range(0, users).Where(u => u % 3 != 1).Reverse().ToArray();
        var rows = rowUsers.Length;
        var x = TestData.Floats(92, rows * inputs, -1f, 1f);
        var tau = TestData.Floats(93, rows, 0f, 4f);
        var state = TestData.Floats(94, users * hidden, -1f, 1f);
        var output = TestData.Floats(95, users * hidden, 0f, 1f);
        var nowTau = TestData.Floats(96, users, 0f, 4f);
        var hasOutput = layout.Cell != RecurrentCell.Gru;

        var reference = new ReferenceEngine();
        var expectedState = (float[])state.Clone();
        var expectedOutput = (float[])output.Clone();
        var expectedHidden = new float[users * hidden];
        reference.RecurrentStep(new RecurrentStepOperands(rows, layout, reference.Bind(parameters), reference.Bind(rowUsers), reference.Bind(x), reference.Bind(tau), reference.Bind(expectedState), hasOutput ? reference.Bind(expectedOutput) : null));
        reference.RecurrentReadout(new RecurrentReadoutOperands(users, layout, reference.Bind(parameters), reference.Bind(expectedState), hasOutput ? reference.Bind(expectedOutput) : null, reference.Bind(nowTau), reference.Bind(expectedHidden)));

        var actualState = (float[])state.Clone();
        var actualOutput = (float[])output.Clone();
        var actualHidden = new float[users * hidden];
        using var cols = new ColumnSet(engine);
        var p = cols.In(parameters);
        var s = cols.Out(actualState);
        var o = hasOutput ? cols.Out(actualOutput) : null;
        engine.RecurrentStep(new RecurrentStepOperands(rows, layout, p, cols.In(rowUsers), cols.In(x), cols.In(tau), s, o));
        engine.RecurrentReadout(new RecurrentReadoutOperands(users, layout, p, s, o, cols.In(nowTau), cols.Out(actualHidden)));
        cols.DownloadAll();
        AssertClose(expectedState, actualState, SumTolerance, "recurrent state");
        AssertClose(expectedOutput, actualOutput, SumTolerance, "LSTM output gate");
        AssertClose(expectedHidden, actualHidden, SumTolerance, "recurrent readout");
    });

    [SkippableTheory(Timeout = TimeoutMs)]
    [MemberData(nameof(AttentionCases))]
    public Task Attention_readout_matches_reference(int users, int hidden, int layers, int heads, bool timeAware) => TestData.Run(() =>
    {
        var engine = RequireEngine();
        const int dim = 4, items = 11, window = 5, k = 3, now = 60;
        var layout = new AttentionLayout(dim, hidden, window, layers, heads, timeAware, k);
        var parameters = TestData.Floats(101, layout.Length, -0.3f, 0.3f);
        var embeddings = TestData.Floats(102, items * dim, -1f, 1f);
        var itemIds = TestData.Ints(103, users * window, 0, items);
        var ticks = TestData.Ints(104, users * window, 0, now);
        var logDwell = TestData.Floats(105, users * window, 0f, 3f);
        var positions = TestData.Ints(106, users * window, 0, k).Select(p => (byte)p).ToArray();

        // Counts 0..12: empty, partial and wrapped rings.
        var counts = Enumerable.Range(0, users).Select(u => u % 13).ToArray();
        var expected = new float[users * hidden];
        var reference = new ReferenceEngine();
        reference.AttentionReadout(new AttentionReadoutOperands(
            users, layout, reference.Bind(parameters), reference.Bind(embeddings), reference.Bind(itemIds), reference.Bind(ticks), reference.Bind(logDwell), reference.Bind(positions), reference.Bind(counts), now, reference.Bind(expected)));

        var actual = new float[users * hidden];
        using var cols = new ColumnSet(engine);
        engine.AttentionReadout(new AttentionReadoutOperands(
            users, layout, cols.In(parameters), cols.In(embeddings), cols.In(itemIds), cols.In(ticks), cols.In(logDwell), cols.In(positions), cols.In(counts), now, cols.Out(actual)));
        cols.DownloadAll();
        AssertClose(expected, actual, SumTolerance, "attention readout");
    });

    /// <summary>
    /// The four sequence strategies in a whole run on the kernels: their state lives on the device
    /// (uploaded once, advanced by the cell step, read back for checkpoints and the retention
    /// probe), the head and the scores are device-resident; every metric matches the CPU engine's.
    /// Training is off (warm-up longer than the run): it runs on the host in both engines, and with
    /// it a rounding difference could flip one click and move a 40-user metric by more than the
    /// tolerance; the device flow is what this checks.
    /// </summary>
    [SkippableFact(Timeout = TimeoutMs)]
    public Task A_run_with_the_sequence_strategies_on_the_kernels_matches_the_cpu_engine() => TestData.Run(() =>
    {
        var engine = RequireEngine();
        var scenario = Simulator.Core.Scenarios.ScenarioParser.Parse(
            """
            {
              "seed": 4, "seeds": 1, "ticks": 8, "shards": 2, "slateSize": 4,
              "population": { "users": 40, "topics": 5 },
              "catalog": { "items": 30 },
              "strategies": [
                { "name": "gru4rec", "hidden": 16, "window": 4, "warmup": 1000 },
                { "name": "time-lstm", "hidden": 16, "window": 4, "warmup": 1000 },
                { "name": "sasrec", "hidden": 16, "window": 4, "warmup": 1000 },
                { "name": "tisasrec", "hidden": 16, "window": 4, "warmup": 1000 },
                "oracle"
              ]
            }
            """,
            "sequence");
        using var cpu = new CpuEngine(1);
        var expected = Simulator.Core.Simulation.SimulationRunner.Run(scenario, cpu, new Simulator.Core.Simulation.RunOptions { Threads = 1 });
        var actual = Simulator.Core.Simulation.SimulationRunner.Run(scenario, engine, new Simulator.Core.Simulation.RunOptions { Threads = 1 });
        foreach (var strategy in expected.Strategies)
        {
            foreach (var metric in expected.Metrics)
            {
                var e = expected.Summary[strategy][metric].Mean;
                var a = actual.Summary[strategy][metric].Mean;
                Assert.True(double.IsNaN(e) ? double.IsNaN(a) : Math.Abs(e - a) < 1e-3, $"{strategy} {metric}: cpu {e} vs ilgpu {a}");
            }
        }
    });
}
