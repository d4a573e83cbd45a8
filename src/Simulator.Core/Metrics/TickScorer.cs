using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Metrics;

/// <summary>
/// Metric sums over a range of users, one (sum, count) pair per <see cref="MetricId"/>; merged
/// across shards in shard order. A per-user metric's tick value is sum / count over the users for
/// whom it is defined; a per-tick metric (coverage, gini) is stored with count 1.
/// </summary>
internal sealed class MetricSums
{
    private static readonly int MetricCount = Enum.GetValues<MetricId>().Length;

    private readonly double[] _sum = new double[MetricCount];
    private readonly long[] _count = new long[MetricCount];

    public long ActiveUsers { get; set; }

    public double Sum(MetricId id) => _sum[(int)id];

    public long Count(MetricId id) => _count[(int)id];

    /// <summary>Adds one user's value; NaN (undefined for this user) is skipped, so it lowers no mean.</summary>
    public void Add(MetricId id, double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        _sum[(int)id] += value;
        _count[(int)id]++;
    }

    /// <summary>Sets a per-tick (not per-user) value.</summary>
    public void Set(MetricId id, double value)
    {
        _sum[(int)id] = value;
        _count[(int)id] = double.IsNaN(value) ? 0 : 1;
    }

    public MetricSums Add(MetricSums other)
    {
        for (var i = 0; i < MetricCount; i++)
        {
            _sum[i] += other._sum[i];
            _count[i] += other._count[i];
        }

        ActiveUsers += other.ActiveUsers;
        return this;
    }

    /// <summary>Writes every sum and count bit for bit (a shard's partial crossing processes).</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(ActiveUsers);
        for (var i = 0; i < MetricCount; i++)
        {
            w.Write(_sum[i]);
            w.Write(_count[i]);
        }
    }

    public static MetricSums Read(BinaryReader r)
    {
        var sums = new MetricSums { ActiveUsers = r.ReadInt64() };
        for (var i = 0; i < MetricCount; i++)
        {
            sums._sum[i] = r.ReadDouble();
            sums._count[i] = r.ReadInt64();
        }

        return sums;
    }

    /// <summary>The tick value of a metric: its mean over the users it is defined for; NaN for none.</summary>
    public double Mean(MetricId id) => _count[(int)id] > 0 ? _sum[(int)id] / _count[(int)id] : double.NaN;

    /// <summary>The tick value of a metric by name (names for slate size k).</summary>
    public double Mean(string metric, int k) =>
        Mean(MetricCatalog.Find(metric, k)?.Id ?? throw new ArgumentException($"unknown metric {metric}", nameof(metric)));
}

/// <summary>What <see cref="TickScorer.Score"/> reads for one world and tick (host arrays, shared read-only).</summary>
internal sealed class ScoreInputs
{
    public required int Dim { get; init; }

    public required int K { get; init; }

    /// <summary>True interest this tick [N x d] (preference x strength).</summary>
    public required float[] Interest { get; init; }

    /// <summary>
    /// Effective interest [N x d] (true interest less the satiation penalty) for utilities, or null
    /// to use <see cref="Interest"/>. Calibration, tracking and forgetting metrics keep the true interest.
    /// </summary>
    public float[]? EffectiveInterest { get; init; }

    /// <summary>Preference softmax(z) [N x d]; strength = interest / preference.</summary>
    public required float[] Preference { get; init; }

    /// <summary>Item embeddings [M x d], row-major.</summary>
    public required float[] Items { get; init; }

    /// <summary>The per-item utility column read with <see cref="Choice"/>'s quality weight (quality, or the offsets b_i).</summary>
    public required float[] Quality { get; init; }

    /// <summary>Each item's primary topic [M].</summary>
    public required int[] Topic { get; init; }

    public required byte[] Active { get; init; }

    public required int[] Slates { get; init; }

    public required int[] IdealSlates { get; init; }

    public required int[] ChosenPosition { get; init; }

    public required ChoiceParameters Choice { get; init; }

    /// <summary>The strategy's interest estimate [N x d], or null when it has none (tracking error NaN).</summary>
    public float[]? Estimate { get; init; }

    /// <summary>-log2 of each item's smoothed cumulative popularity [M] (for novelty), or null.</summary>
    public double[]? SelfInformation { get; init; }

    /// <summary>Strength below which a topic counts as lost.</summary>
    public double LostThreshold { get; init; }

    /// <summary>Which metrics to compute, indexed by <see cref="MetricId"/>; unselected ones cost nothing.</summary>
    public required bool[] Selected { get; init; }
}

/// <summary>
/// Scores one world's tick against ground truth, per user: the strategy's slate and the
/// oracle's ideal slate are both evaluated by the same code on true utilities, so the oracle
/// scores NDCG exactly 1 and regret exactly 0. Works on slates, the oracle's top-k and d-vectors
/// only, never on a users x items matrix: O(k^2 + k d) per user (ild adds k^2 d).
/// </summary>
internal static class TickScorer
{
    /// <summary>
    /// Sums the per-user metrics of users [start, end). When <paramref name="exposure"/> is given
    /// (length M), adds one per (active user, slate item) to it: this shard's exposure counts.
    /// </summary>
    public static MetricSums Score(int start, int end, ScoreInputs x, long[]? exposure)
    {
        var k = x.K;
        var dim = x.Dim;
        var p = x.Choice;
        var on = x.Selected;
        var sums = new MetricSums();
        var ranking = on[(int)MetricId.Ndcg] || on[(int)MetricId.ExpectedCtr] || on[(int)MetricId.Regret];
        var needStrength = on[(int)MetricId.ForgettingError] || on[(int)MetricId.OverForgetting];
        var utility = new double[k];
        var idealUtility = new double[k];
        var gain = new double[k];
        var idealGain = new double[k];
        var strength = new double[dim];
        var target = new double[dim];
        var mixture = new double[dim];
        for (var u = start; u < end; u++)
        {
            if (x.Active[u] == 0)
            {
                continue;
            }

            var row = x.Interest.AsSpan(u * dim, dim);
            var slate = x.Slates.AsSpan(u * k, k);
            var ideal = x.IdealSlates.AsSpan(u * k, k);
            if (ranking)
            {
                var effective = x.EffectiveInterest is null ? row : x.EffectiveInterest.AsSpan(u * dim, dim);
                Utilities(effective, slate, x.Items, x.Quality, dim, p, utility);
                Utilities(effective, ideal, x.Items, x.Quality, dim, p, idealUtility);
                for (var j = 0; j < k; j++)
                {
                    gain[j] = RankingMetrics.Gain(utility[j], p);
                    idealGain[j] = RankingMetrics.Gain(idealUtility[j], p);
                }

                var ctr = RankingMetrics.ExpectedCtr(utility, p);
                sums.Add(MetricId.Ndcg, RankingMetrics.Ndcg(gain, idealGain));
                sums.Add(MetricId.ExpectedCtr, ctr);
                sums.Add(MetricId.Regret, RankingMetrics.ExpectedCtr(idealUtility, p) - ctr);
            }

            // Clicks per impression: a user clicks at most one of the k shown items.
            sums.Add(MetricId.RealisedCtr, x.ChosenPosition[u] >= 0 ? 1.0 / k : 0.0);
            if (on[(int)MetricId.Recall])
            {
                sums.Add(MetricId.Recall, RankingMetrics.Recall(slate, ideal));
            }

            if (on[(int)MetricId.HitRate])
            {
                sums.Add(MetricId.HitRate, RankingMetrics.HitRate(slate, ideal));
            }

            if (on[(int)MetricId.Mrr])
            {
                sums.Add(MetricId.Mrr, RankingMetrics.ReciprocalRank(slate, ideal));
            }

            if (on[(int)MetricId.Ild])
            {
                sums.Add(MetricId.Ild, RankingMetrics.IntraListDiversity(slate, x.Items, dim));
            }

            if (x.SelfInformation is { } info && on[(int)MetricId.Novelty])
            {
                var novelty = 0.0;
                foreach (var item in slate)
                {
                    novelty += info[item];
                }

                sums.Add(MetricId.Novelty, novelty / k);
            }

            if (on[(int)MetricId.Calibration])
            {
                sums.Add(MetricId.Calibration, Calibration(row, slate, x.Items, dim, target, mixture));
            }

            if (x.Estimate is { } estimate && on[(int)MetricId.TrackingError])
            {
                sums.Add(MetricId.TrackingError, RankingMetrics.TrackingError(estimate.AsSpan(u * dim, dim), row));
            }

            if (needStrength)
            {
                var pref = x.Preference.AsSpan(u * dim, dim);
                for (var g = 0; g < dim; g++)
                {
                    // A preference that underflowed to 0 carries no information: count the topic as held.
                    strength[g] = pref[g] > 0 ? row[g] / (double)pref[g] : 1.0;
                }

                if (on[(int)MetricId.ForgettingError])
                {
                    sums.Add(MetricId.ForgettingError, ForgettingMetrics.ForgettingError(slate, x.Topic, strength, x.LostThreshold));
                }

                if (on[(int)MetricId.OverForgetting])
                {
                    sums.Add(MetricId.OverForgetting, ForgettingMetrics.OverForgetting(slate, ideal, x.Topic, strength, x.LostThreshold));
                }
            }

            if (exposure is not null)
            {
                foreach (var item in slate)
                {
                    exposure[item]++;
                }
            }

            sums.ActiveUsers++;
        }

        return sums;
    }

    /// <summary>
    /// True utilities of a slate's items for one user (no noise, no position bias). Four items
    /// are summed side by side: each dot product still adds its d terms in order in float, so
    /// every value is bit-identical to a one-item loop, but four independent chains hide the
    /// add latency that a single chain waits on.
    /// </summary>
    public static unsafe void Utilities(
        ReadOnlySpan<float> interest, ReadOnlySpan<int> slate, float[] items, float[] quality, int dim, in ChoiceParameters p, Span<double> utility)
    {
        var j = 0;
        fixed (float* w = interest[..dim])
        {
            for (; j + 4 <= slate.Length; j += 4)
            {
                fixed (float* r0 = items.AsSpan(slate[j] * dim, dim))
                fixed (float* r1 = items.AsSpan(slate[j + 1] * dim, dim))
                fixed (float* r2 = items.AsSpan(slate[j + 2] * dim, dim))
                fixed (float* r3 = items.AsSpan(slate[j + 3] * dim, dim))
                {
                    var (d0, d1, d2, d3) = ChoiceMath.FourDots(w, r0, r1, r2, r3, dim);

                    utility[j] = ChoiceMath.Utility(d0, quality[slate[j]], p.InterestWeight, p.QualityWeight);
                    utility[j + 1] = ChoiceMath.Utility(d1, quality[slate[j + 1]], p.InterestWeight, p.QualityWeight);
                    utility[j + 2] = ChoiceMath.Utility(d2, quality[slate[j + 2]], p.InterestWeight, p.QualityWeight);
                    utility[j + 3] = ChoiceMath.Utility(d3, quality[slate[j + 3]], p.InterestWeight, p.QualityWeight);
                }
            }
        }

        for (; j < slate.Length; j++)
        {
            var item = slate[j];
            var row = items.AsSpan(item * dim, dim);
            var dot = 0f;
            for (var g = 0; g < dim; g++)
            {
                dot += interest[g] * row[g];
            }

            utility[j] = ChoiceMath.Utility(dot, quality[item], p.InterestWeight, p.QualityWeight);
        }
    }

    /// <summary>
    /// Steck KL between the user's true interest over topics and the slate's mean topic mixture.
    /// The mixture adds the slate's rows in slate order per topic, four topics per vector (exact
    /// float-to-double widening), so each sum is bit-identical to the scalar loop.
    /// </summary>
    private static unsafe double Calibration(
        ReadOnlySpan<float> interest, ReadOnlySpan<int> slate, float[] items, int dim, double[] target, double[] mixture)
    {
        Array.Clear(mixture);
        for (var g = 0; g < dim; g++)
        {
            target[g] = interest[g];
        }

        var wide = Avx.IsSupported ? dim & ~3 : 0;
        fixed (double* sum = mixture)
        {
            foreach (var item in slate)
            {
                fixed (float* row = items.AsSpan(item * dim, dim))
                {
                    var g = 0;
                    for (; g < wide; g += 4)
                    {
                        (Vector256.Load(sum + g) + Avx.ConvertToVector256Double(Vector128.Load(row + g))).Store(sum + g);
                    }

                    for (; g < dim; g++)
                    {
                        sum[g] += row[g];
                    }
                }
            }
        }

        return RankingMetrics.Miscalibration(target, mixture, MetricCatalog.CalibrationAlpha);
    }
}
