using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

/// <summary>Runs the scalar response model over a range of users (shared by the CPU engines).</summary>
internal static class ChoiceBatch
{
    public static void Run(in ChoiceOperands op, int userStart, int userEnd)
    {
        var interest = op.Interest.Host;
        var slates = op.Slates.Host;
        var items = op.Items.Host;
        var quality = op.Quality.Host;
        var active = op.Active?.Host;
        var chosen = op.ChosenPosition.Host;
        var ctr = op.ExpectedCtr.Host;
        var probs = op.Probabilities.Host;
        var dwell = op.Dwell.Host;
        for (var u = userStart; u < userEnd; u++)
        {
            var p = probs.AsSpan(u * op.K, op.K);
            if (active is not null && active[u] == 0)
            {
                chosen[u] = -1;
                ctr[u] = 0f;
                dwell[u] = 0f;
                p.Clear();
                continue;
            }

            chosen[u] = ChoiceMath.RespondUser(
                interest.AsSpan(u * op.Dim, op.Dim),
                slates.AsSpan(u * op.K, op.K),
                items,
                quality,
                op.Dim,
                op.Parameters,
                op.Seed,
                (uint)(op.FirstUser + u),
                (uint)op.Tick,
                p,
                out ctr[u],
                out dwell[u]);
        }
    }
}

/// <summary>Runs reinforcement over a range of users (shared by the CPU engines).</summary>
internal static class ReinforceBatch
{
    public static void Run(in ReinforceOperands op, int userStart, int userEnd)
    {
        var peak = op.Peak.Host;
        var last = op.LastEngaged.Host;
        var p1 = op.CurveP1.Host;
        var p2 = op.CurveP2.Host;
        var slates = op.Slates.Host;
        var chosen = op.ChosenPosition.Host;
        var topic = op.ItemTopic.Host;
        for (var u = userStart; u < userEnd; u++)
        {
            var position = chosen[u];
            if (position < 0)
            {
                continue;
            }

            var e = (u * op.Dim) + topic[slates[(u * op.K) + position]];
            var dt = (op.Tick - last[e]) * op.TickLength;
            var w = ForgettingMath.Strength(op.Curve, peak[e], dt, p1[u], p2[u], op.Baseline);
            peak[e] = ForgettingMath.Reinforce(w, op.Eta);
            last[e] = op.Tick;
        }
    }
}
