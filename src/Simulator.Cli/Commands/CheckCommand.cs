using System.Globalization;
using Simulator.Cli.Bench;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Compute;

namespace Simulator.Cli.Commands;

/// <summary>
/// `simulator check`: runs every engine operation on a device and on the scalar reference engine
/// with the same random inputs and compares the outputs, so a GPU (or driver) can be trusted
/// before its numbers are. Needs no SDK, which is what makes it usable on a bare GPU machine.
/// </summary>
public static class CheckCommand
{
    public const string Help = """
        simulator check [--device D] [--users N] [--items M] [--dim D] [--k K]

        Compares every engine operation (decay, MLP, score + top-k, choice, reinforce, and the
        sequence models' GRU and time-LSTM cell steps and attention readout, H = 32, L = 20) on the
        chosen device against the scalar reference engine on the same random inputs. Prints the largest
        error per operation against its tolerance; exit code 1 if any operation is outside it.

        Examples:
          simulator check --device cuda
          simulator check --device ilgpu-cpu --users 500 --items 100
        """;

    // Relative tolerances, each with its reason:
    // transcendentals (exp/log/pow) from ILGPU or Vector256 differ from MathF by a few ulp;
    private const double DecayTolerance = 1e-4;

    // dot products of 32-64 terms summed in another order or with fused multiply-adds;
    private const double SumTolerance = 1e-3;

    // Gumbel-max flips only where two keys tie to rounding: allow 1% of users to choose differently.
    private const double ChoiceMismatchFraction = 0.01;

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr)
    {
        var device = args.Choice("device", "auto", EngineSelector.Devices);
        var users = args.Int("users", 1, 10_000_000) ?? 20_000;
        var items = args.Int("items", 1, 1_000_000) ?? 1000;
        var dim = args.Int("dim", 1, 128) ?? 32;
        var k = args.Int("k", 1, 64) ?? 10;
        args.Finish(0);
        if (k > items)
        {
            throw new UsageException($"option --k: {k} is larger than --items {items}");
        }

        using var engine = EngineSelector.Create(device, null, stderr);
        using var reference = new ReferenceEngine();
        stdout.WriteLine($"checking {engine.Info.Kind} ({engine.Info.DeviceName}) against the scalar reference: {users} users, {items} items, d={dim}, k={k}");
        using var actual = new BenchWorkload(engine, users, items, dim, k);
        using var expected = new BenchWorkload(reference, users, items, dim, k);
        var rows = new List<(string Op, string Measure, double Value, double Limit)>();

        Run(w => w.Decay(3));
        rows.Add(("decay", "max relative error", MaxRelative(expected.Interest.Host, Download(actual.Interest)), DecayTolerance));
        Run(w => w.Mlp());
        rows.Add(("mlp", "max relative error", MaxRelative(expected.Embedding.Host, Download(actual.Embedding)), SumTolerance));
        Run(w => w.ScoreTopK());
        var scores = Download(actual.TopScores);
        rows.Add(("score_topk", "max relative error (scores)", MaxRelative(expected.TopScores.Host, scores), SumTolerance));
        rows.Add(("score_topk", "share of items differing where not tied", ItemMismatch(expected, Download(actual.TopItems)), 0.0));

        // Choice and reinforce run on identical slates so that their own differences are measured.
        expected.TopItems.Host.AsSpan().CopyTo(actual.TopItems.Host);
        actual.TopItems.Upload();
        Run(w => w.Choice(3));
        var chosen = Download(actual.Chosen);
        rows.Add(("choice", "share of users choosing differently", Mismatch(expected.Chosen.Host, chosen), ChoiceMismatchFraction));
        rows.Add(("choice", "max relative error (expected CTR)", MaxRelative(expected.Ctr.Host, Download(actual.Ctr)), SumTolerance));
        expected.Chosen.Host.AsSpan().CopyTo(actual.Chosen.Host);
        actual.Chosen.Upload();
        Run(w => w.Reinforce(3));
        rows.Add(("reinforce", "max relative error (peak)", MaxRelative(expected.Peak.Host, Download(actual.Peak)), DecayTolerance));
        rows.Add(("reinforce", "share of last-engaged ticks differing", Mismatch(expected.LastEngaged.Host, Download(actual.LastEngaged)), 0.0));

        // The sequence models' operations; the attention readout on at most 5,000 users (the scalar
        // reference replays every window).
        using (var onDevice = new SequenceColumns(engine))
        using (var onReference = new SequenceColumns(reference))
        {
            foreach (var (cell, name) in new[] { (RecurrentCell.Gru, "gru_step"), (RecurrentCell.TimeLstm, "lstm_step") })
            {
                var e = SequenceBench.StepOperands(onReference, cell, users, dim);
                var a = SequenceBench.StepOperands(onDevice, cell, users, dim);
                reference.RecurrentStep(e);
                engine.RecurrentStep(a);
                engine.Synchronize();
                rows.Add((name, "max relative error (state)", MaxRelative(e.State.Host, Download(a.State)), SumTolerance));
            }

            var layout = new AttentionLayout(dim, SequenceBench.Hidden, SequenceBench.Window, 1, 1, true, k);
            var attentionUsers = Math.Min(users, 5000);
            var expectedAttention = SequenceBench.AttentionOperands(onReference, layout, attentionUsers, items);
            var actualAttention = SequenceBench.AttentionOperands(onDevice, layout, attentionUsers, items);
            reference.AttentionReadout(expectedAttention);
            engine.AttentionReadout(actualAttention);
            engine.Synchronize();
            rows.Add(("attention", "max relative error (h_now)", MaxRelative(expectedAttention.Hidden.Host, Download(actualAttention.Hidden)), SumTolerance));
        }

        var failed = 0;
        foreach (var (op, measure, value, limit) in rows)
        {
            var ok = value <= limit;
            failed += ok ? 0 : 1;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(ok ? "pass" : "FAIL")}  {op,-11} {measure,-42} {value,12:G4}  (limit {limit:G3})"));
        }

        stdout.WriteLine(failed == 0 ? "all operations match the reference" : $"{failed} check(s) outside tolerance");
        return failed == 0 ? ExitCodes.Success : ExitCodes.RuntimeFailure;

        void Run(Action<BenchWorkload> op)
        {
            op(expected);
            op(actual);
            engine.Synchronize();
        }
    }

    private static T[] Download<T>(IColumn<T> column)
        where T : unmanaged
    {
        column.Download();
        return column.Host;
    }

    private static double MaxRelative(float[] expected, float[] actual)
    {
        var worst = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(expected[i] - actual[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
        }

        return worst;
    }

    private static double Mismatch(int[] expected, int[] actual) =>
        expected.Length == 0 ? 0 : expected.Where((e, i) => e != actual[i]).Count() / (double)expected.Length;

    /// <summary>Share of top-k entries whose item differs, counting only entries clearly separated from their neighbours.</summary>
    private static double ItemMismatch(BenchWorkload expected, int[] actual)
    {
        var k = expected.K;
        var s = expected.TopScores.Host;
        var e = expected.TopItems.Host;
        var checkedCount = 0;
        var differing = 0;
        for (var i = 0; i < e.Length; i++)
        {
            var separated = (i % k == 0 || Math.Abs(s[i] - s[i - 1]) > 2 * SumTolerance * Math.Max(1, Math.Abs(s[i])))
                            && (i % k == k - 1 || Math.Abs(s[i] - s[i + 1]) > 2 * SumTolerance * Math.Max(1, Math.Abs(s[i])));
            if (!separated)
            {
                continue;
            }

            checkedCount++;
            differing += e[i] != actual[i] ? 1 : 0;
        }

        return checkedCount == 0 ? 0 : differing / (double)checkedCount;
    }
}
