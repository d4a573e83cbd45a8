using System.Globalization;
using System.Text;
using System.Text.Json;
using Simulator.Core.Compute;
using Simulator.Core.Randomness;
using Simulator.Core.Results;

namespace Simulator.Cli.Bench;

/// <summary>One point of the model-size sweep: an attention encoder's shape, its parameter count and its measured readout.</summary>
public sealed record SequenceSweepPoint(int Hidden, int Layers, int Window, long Parameters, StageResult Readout);

/// <summary>The sequence stages at the bench's largest size and the model-size sweep.</summary>
public sealed record SequenceBenchResult(int Users, int Dim, int Hidden, int Window, IReadOnlyList<StageResult> Stages, IReadOnlyList<SequenceSweepPoint> Sweep);

/// <summary>
/// The sequence models' forward stages on the engine (docs/performance.md): a GRU cell step
/// (gru4rec), a time-gated LSTM cell step (time-lstm) and the attention readout (tisasrec, full
/// windows) for every user at the bench's population, with the strategies' default shape (H = 32,
/// L = 20, one layer, one head); then the readout over a sweep of attention models from about
/// 10^4 to 10^7 parameters (width x layers x L), each point with enough users for about 2 x 10^9
/// multiply-adds. Operations counted are the dense products' and attention's multiply-adds (2 each);
/// gates, softmax and bias adds are not counted. Parameters, item vectors and windows are keyed
/// draws; every cell step advances all users (a tick in which everyone clicked: the worst case).
/// </summary>
public static class SequenceBench
{
    public const int Hidden = 32;
    public const int Window = 20;

    /// <summary>Multiply-adds each sweep point aims for (bounded by the population and at least 4 users).</summary>
    private const double SweepMultiplyAdds = 2e9;

    private static readonly (int Hidden, int Layers, int Window)[] SweepShapes =
    [
        (16, 1, 10), (32, 1, 20), (64, 2, 20), (128, 2, 50), (256, 4, 50), (512, 6, 50),
    ];

    public static SequenceBenchResult Measure(IComputeEngine engine, int users, int items, int dim, int k, int reps, CancellationToken cancel, Action<string>? log)
    {
        var stages = new List<StageResult>();
        foreach (var cell in new[] { RecurrentCell.Gru, RecurrentCell.TimeLstm })
        {
            log?.Invoke($"sequence: {Name(cell)} at {users} users ...");
            stages.Add(MeasureStep(engine, cell, users, dim, reps, cancel));
        }

        log?.Invoke($"sequence: attention readout at {users} users ...");
        stages.Add(MeasureAttention(engine, new AttentionLayout(dim, Hidden, Window, 1, 1, true, k), users, items, reps, "attention", cancel));
        var sweep = new List<SequenceSweepPoint>();
        foreach (var (hidden, layers, window) in SweepShapes)
        {
            var layout = new AttentionLayout(dim, hidden, window, layers, 1, true, k);
            var sweepUsers = (int)Math.Clamp(SweepMultiplyAdds / layout.ReadoutMultiplyAdds(window), 4, users);
            var parameters = layout.Length + ((long)items * (dim + 1)) + k + ((long)hidden * dim) + dim;
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"sequence sweep: {parameters:N0} parameters (H = {hidden}, {layers} layers, L = {window}) at {sweepUsers} users ..."));
            var readout = MeasureAttention(engine, layout, sweepUsers, items, Math.Min(reps, 3), $"attention_h{hidden}_l{layers}_w{window}", cancel);
            sweep.Add(new SequenceSweepPoint(hidden, layers, window, parameters, readout));
        }

        return new SequenceBenchResult(users, dim, Hidden, Window, stages, sweep);
    }

    /// <summary>The "sequence" object of bench.json.</summary>
    public static void Write(Utf8JsonWriter w, SequenceBenchResult result, BenchProbes probes)
    {
        w.WriteStartObject("sequence");
        w.WriteNumber("users", result.Users);
        w.WriteNumber("dim", result.Dim);
        w.WriteNumber("hidden", result.Hidden);
        w.WriteNumber("window", result.Window);
        w.WriteString("counted", "2 operations per multiply-add of the dense products and attention; gates, softmax and bias adds not counted");
        w.WriteStartObject("stages");
        foreach (var stage in result.Stages)
        {
            w.WriteStartObject(stage.Name);
            WriteStage(w, stage, probes);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartArray("size_sweep");
        foreach (var point in result.Sweep)
        {
            w.WriteStartObject();
            w.WriteNumber("parameters", point.Parameters);
            w.WriteNumber("hidden", point.Hidden);
            w.WriteNumber("layers", point.Layers);
            w.WriteNumber("window", point.Window);
            w.WriteNumber("users", point.Readout.Users);
            WriteStage(w, point.Readout, probes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The sequence section of bench.md.</summary>
    public static void Render(StringBuilder b, SequenceBenchResult result, BenchProbes probes)
    {
        var c = CultureInfo.InvariantCulture;
        b.AppendLine();
        b.AppendLine(c, $"## Sequence models: N = {result.Users:N0} users, d = {result.Dim}, H = {result.Hidden}, L = {result.Window}");
        b.AppendLine();
        b.AppendLine("| stage | median s | user-steps/s | GFLOP/s | fraction of FMA probe |");
        b.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var s in result.Stages)
        {
            b.AppendLine(c, $"| {s.Name} | {s.MedianSeconds:F4} | {s.UserStepsPerSecond:E3} | {s.GflopPerSecond:F1} | {Fraction(s, probes)} |");
        }

        b.AppendLine();
        b.AppendLine("Attention readout by model size (tisasrec, one head):");
        b.AppendLine();
        b.AppendLine("| parameters | H | layers | L | users | median s | us per user | GFLOP/s | fraction of FMA probe |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in result.Sweep)
        {
            var s = p.Readout;
            b.AppendLine(c, $"| {p.Parameters:N0} | {p.Hidden} | {p.Layers} | {p.Window} | {s.Users:N0} | {s.MedianSeconds:F4} | {1e6 * s.MedianSeconds / s.Users:F2} | {s.GflopPerSecond:F1} | {Fraction(s, probes)} |");
        }
    }

    private static string Fraction(StageResult s, BenchProbes probes) =>
        probes.GflopPerSecond is double g ? (s.GflopPerSecond / g).ToString("P0", CultureInfo.InvariantCulture) : "n/a";

    private static void WriteStage(Utf8JsonWriter w, StageResult stage, BenchProbes probes)
    {
        w.WriteNumber("median_s", stage.MedianSeconds);
        w.WriteNumber("min_s", stage.MinSeconds);
        w.WriteNumber("max_s", stage.MaxSeconds);
        w.WriteNumber("user_steps_per_s", stage.UserStepsPerSecond);
        w.WriteNumber("gflop_per_s", stage.GflopPerSecond);
        if (probes.GflopPerSecond is double g)
        {
            w.WriteNumber("fraction_of_fma_probe", stage.GflopPerSecond / g);
        }
        else
        {
            w.WriteNull("fraction_of_fma_probe");
        }
    }

    private static string Name(RecurrentCell cell) => cell == RecurrentCell.Gru ? "gru_step" : "time_lstm_step";

    private static StageResult MeasureStep(IComputeEngine engine, RecurrentCell cell, int users, int dim, int reps, CancellationToken cancel)
    {
        using var columns = new SequenceColumns(engine);
        var operands = StepOperands(columns, cell, users, dim);
        var flops = 2.0 * operands.Layout.StepMultiplyAdds * users;
        return Time(engine, Name(cell), flops, users, reps, () => engine.RecurrentStep(operands), cancel);
    }

    private static StageResult MeasureAttention(IComputeEngine engine, AttentionLayout layout, int users, int items, int reps, string name, CancellationToken cancel)
    {
        using var columns = new SequenceColumns(engine);
        var operands = AttentionOperands(columns, layout, users, items);
        var flops = 2.0 * layout.ReadoutMultiplyAdds(layout.Window) * users;
        return Time(engine, name, flops, users, reps, () => engine.AttentionReadout(operands), cancel);
    }

    /// <summary>A cell step of every user (H = <see cref="Hidden"/>, inputs d + 2) on keyed draws; the same on every engine.</summary>
    public static RecurrentStepOperands StepOperands(SequenceColumns columns, RecurrentCell cell, int users, int dim)
    {
        var layout = new RecurrentLayout(cell, dim + 2, Hidden);
        return new RecurrentStepOperands(
            users,
            layout,
            columns.Bind(Fill(layout.Length, 1, 0.1f)),
            columns.Bind(Enumerable.Range(0, users).ToArray()),
            columns.Bind(Fill(users * layout.Inputs, 2, 1f)),
            columns.Bind(Fill(users, 3, 2f)),
            columns.Bind(Fill(users * Hidden, 4, 0.5f)),
            cell == RecurrentCell.Gru ? null : columns.Bind(Fill(users * Hidden, 5, 0.5f)));
    }

    /// <summary>An attention readout of every user over a full window (count = L + 3, so the rings have wrapped) on keyed draws.</summary>
    public static AttentionReadoutOperands AttentionOperands(SequenceColumns columns, AttentionLayout layout, int users, int items)
    {
        var window = layout.Window;
        var slots = users * window;
        var itemIds = new int[slots];
        var ticks = new int[slots];
        var positions = new byte[slots];
        for (var s = 0; s < slots; s++)
        {
            itemIds[s] = (int)(KeyedRandom.Bits(7, RandomStreams.Bench, 20, 0, (uint)s) % (ulong)items);
            ticks[s] = (int)(KeyedRandom.Bits(7, RandomStreams.Bench, 21, 0, (uint)s) % 100);
            positions[s] = (byte)(KeyedRandom.Bits(7, RandomStreams.Bench, 22, 0, (uint)s) % (ulong)layout.K);
        }

        return new AttentionReadoutOperands(
            users,
            layout,
            columns.Bind(Fill(layout.Length, 6, 0.1f)),
            columns.Bind(Fill(items * layout.Dim, 7, 1f)),
            columns.Bind(itemIds),
            columns.Bind(ticks),
            columns.Bind(Fill(slots, 8, 3f)),
            columns.Bind(positions),
            columns.Bind(Enumerable.Repeat(window + 3, users).ToArray()),
            120,
            columns.Bind(new float[users * layout.Hidden]));
    }

    private static StageResult Time(IComputeEngine engine, string name, double flops, int users, int reps, Action run, CancellationToken cancel) =>
        new(name, StageBound.Compute, flops, 0, BenchRunner.Repetitions(engine, reps, run, cancel), users);

    /// <summary>Keyed uniform draws in [-scale/2, scale/2) (streams offset by 10 from the tick workload's).</summary>
    private static float[] Fill(int length, uint stream, float scale) =>
        BenchWorkload.Fill(length, i => scale * (KeyedRandom.Uniform(7, RandomStreams.Bench, 10 + stream, 0, (uint)i) - 0.5f));
}

/// <summary>Columns bound to one engine and uploaded, disposed together.</summary>
public sealed class SequenceColumns(IComputeEngine engine) : IDisposable
{
    private readonly List<IDisposable> _columns = [];

    public IColumn<T> Bind<T>(T[] host)
        where T : unmanaged
    {
        var column = engine.Bind(host);
        column.Upload();
        _columns.Add(column);
        return column;
    }

    public void Dispose() => _columns.ForEach(c => c.Dispose());
}
