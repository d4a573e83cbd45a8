using System.Diagnostics;

namespace Simulator.Cli.Bench;

/// <summary>Times each stage of <see cref="BenchWorkload"/>: warm-up, then repetitions, engine synchronised around each.</summary>
public static class BenchRunner
{
    public static SizeResult Measure(BenchWorkload w, int repetitions, CancellationToken cancel)
    {
        long n = w.Users;
        long d = w.Dim;
        long m = w.Items;
        long k = w.K;
        var hidden = BenchWorkload.Hidden;
        var tick = 1;
        StageResult Time(string name, StageBound bound, double work, Action run)
        {
            var seconds = new List<double>();
            for (var r = 0; r <= repetitions; r++)
            {
                cancel.ThrowIfCancellationRequested();
                w.Engine.Synchronize();
                var clock = Stopwatch.StartNew();
                run();
                w.Engine.Synchronize();
                if (r > 0)
                {
                    seconds.Add(clock.Elapsed.TotalSeconds);
                }

                tick++;
            }

            return new StageResult(name, bound, work, seconds, w.Users);
        }

        // Work counted per stage. Decay: reads peak, lastEngaged, preference, writes interest
        // (4 B each per user x topic) plus two per-user parameters. Reinforce: per user the choice,
        // the slate entry and topic, and a read-modify-write of peak and lastEngaged.
        var stages = new List<StageResult>
        {
            Time("decay", StageBound.Memory, (n * d * 16.0) + (n * 8.0), () => w.Decay(tick)),
            Time("mlp", StageBound.Compute, 2.0 * n * ((d * hidden) + (hidden * d)), w.Mlp),
            Time("score_topk", StageBound.Compute, 2.0 * n * m * d, w.ScoreTopK),
            Time("choice", StageBound.Compute, 2.0 * n * k * d, () => w.Choice(tick)),
            Time("reinforce", StageBound.Memory, n * 28.0, () => w.Reinforce(tick)),
        };
        stages.Add(Time("tick", StageBound.Compute, stages.Where(s => s.Bound == StageBound.Compute).Sum(s => s.Work), () => w.Tick(tick)));
        return new SizeResult(w.Users, w.Items, w.Dim, w.K, stages);
    }
}
