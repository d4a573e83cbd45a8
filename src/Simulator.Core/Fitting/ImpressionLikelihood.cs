using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simulator.Core.Fitting;

/// <summary>
/// Likelihood for impression logs (the simulator's export: every shown item with its slate
/// position and whether it was clicked), written as the simulator generates them. A slate is
/// answered by one multinomial-logit choice among its items and a no-click option, so an item of
/// topic g at 0-based position j is chosen with probability
///   exp(A_ug S_ug(t) + gamma j) / (exp(c_u) + sum over the slate of the same),
/// where S_ug(t) = b + (peak_ug - b) R(t - last_ug) is the user's strength in topic g, last_ug the
/// time of the last click on g (the log's origin at first, with peak 1, as every simulated topic
/// starts engaged at tick 0), and a click moves the peak to w + eta (1 - w) from the strength w
/// it met, exactly the simulator's reinforcement. The curve, the baseline b (as the offset
/// b / (1 - b)) and the reinforcement eta (extra parameter, logit scale) are population
/// parameters; the amplitudes A_ug (interest weight x preference x topic focus / temperature) and
/// the no-click utility c_u belong to each history and are integrated out by Laplace's
/// approximation around their Newton mode, under a normal prior on A whose mean and log sd are
/// extra parameters 2 and 3 (fitted with the curve) and a weak prior (sd <see cref="PriorSd"/>)
/// on c; the priors keep never-clicked topics finite.
/// gamma, the log position decay, is estimated once from the pooled data; it is nearly unbiased
/// there because the slates it is built for do not rank by interest.
/// Why this form and not a logistic regression per impression: the click of one item is a
/// competition with the rest of the slate, and strength enters through one amplitude, so the
/// intercept and slope of a topic are tied by the baseline; freeing them, or resetting the peak
/// to 1 at every click, lets the per-group slope absorb reinforcement and preference and leaves
/// the curve's shape to fit the timing of the first few ticks, which pulled the fit toward a
/// sigmoid with a short half-life.
/// Item quality: when the log carries it (<see cref="InteractionLog.HasQuality"/>, an export's
/// items.csv), each logit gains beta q_i, beta a population parameter (extra parameter 4), as the
/// simulator's utility has beta2 q_i. Left out, it is an omitted variable of a logit: on the
/// exponential fixture the half-life came out 5.37 without it and 5.84 with it (truth 5.85).
/// The off-topic part of item embeddings is not modelled. A term with the off-topic weights at
/// their mean (1 - f) / (D - 1) lowered the marginal likelihood (by 15 units on the fixture at
/// the true focus) and pulled the half-life to 4.97; the exported true embeddings, every item
/// feeding every topic's amplitude, lowered it by 4 on fast-forgetting.json's export, left the
/// family choice as it was and made the fit 9x slower (docs/fit-diagnosis.md).
/// Why a normal amplitude prior with Laplace's approximation: the log-normal, Gumbel and
/// exponentially modified normal priors and an exact integral along each topic's amplitude were
/// measured (docs/fit-diagnosis.md). The normal and the modified normal fit the amplitudes best;
/// the others either fit them worse or bias the curve elsewhere.
/// </summary>
public sealed class ImpressionLikelihood : ForgettingLikelihood
{
    /// <summary>Prior sd of the per-history no-click utility around its pooled value.</summary>
    public const double PriorSd = 3.0;

    /// <summary>
    /// Newton's method on a history's amplitudes stops, after at least two passes, when no
    /// coordinate would move by more than this; the value is read at the last point with the
    /// quadratic step's gain added (ll + g'H^-1 g / 2), exact to the cube of the step, and the
    /// log-determinant taken there, off by about its gradient times the step. From the previous
    /// call's mode (a warm start) the second pass is usually already below 1e-6. Against the
    /// reference implementation (Newton to 1e-8, then a final pass) the totals agree within 1e-6
    /// per history (ImpressionLikelihoodTests).
    /// </summary>
    public const double NewtonTolerance = 1e-5;

    private const int NewtonIterations = 60;

    /// <summary>Numbers likelihoods for the per-thread retention table (0: none).</summary>
    private static long _instances;
    private readonly long _id = System.Threading.Interlocked.Increment(ref _instances);
    private const double PriorPrecision = 1.0 / (PriorSd * PriorSd);

    // Per group (one history): its slates, options and topics shown; theta is the group's
    // amplitudes (one per topic shown, in order of first showing) and no-click utility (last),
    // kept between calls so each Newton solve starts from the last one's mode (one copy per slot:
    // the speed integral's three nodes each start from their own).
    private readonly int[] _groupSlateStart;
    private readonly int[] _groupOptionStart;
    private readonly int[] _groupTopics;
    private readonly double[][][] _profile;

    // Per slate: its options and the clicked option (-1: no click) with the clicked row's kind.
    private readonly int[] _slateOptionStart;
    private readonly int[] _slateChosen;
    private readonly int[] _slateChosenKind;

    // Per option (the items of one topic in one slate: they share the topic's strength): the
    // group-local topic, the index of its elapsed time since the topic's last click, and its rows.
    private readonly ushort[] _optionTopic;
    private readonly int[] _optionElapsed;
    private readonly int[] _optionRowStart;

    // Per row: its kind, a distinct (slate position, item quality) pair.
    private readonly int[] _rowKind;
    private readonly short[] _kindPosition;
    private readonly double[] _kindQuality;
    private readonly double[] _elapsed;
    private readonly bool _hasQuality;
    private readonly int[] _userClicks;
    private readonly double _gamma;
    private readonly double _pooledNoClick;
    private readonly double _elapsedMin;
    private readonly double _elapsedMax;
    private KindTable? _kindTable;

    private ImpressionLikelihood(Builder b, int[] groupUser, int users, double typical, ParallelOptions parallel)
        : base(b.GroupSlateStart, groupUser, users, parallel)
    {
        _groupSlateStart = b.GroupSlateStart;
        _groupOptionStart = b.GroupOptionStart;
        _groupTopics = b.GroupTopics;
        _slateOptionStart = b.SlateOptionStart;
        _slateChosen = b.SlateChosen;
        _slateChosenKind = b.SlateChosenKind;
        _optionTopic = b.OptionTopic;
        _optionElapsed = b.OptionElapsed;
        _optionRowStart = b.OptionRowStart;
        _rowKind = b.RowKind;
        _kindPosition = b.KindPosition;
        _kindQuality = b.KindQuality;
        _elapsed = b.Elapsed;
        _hasQuality = b.HasQuality;
        _userClicks = b.UserClicks;
        _gamma = b.Gamma;
        _elapsedMin = b.ElapsedMin;
        _elapsedMax = b.ElapsedMax;
        TypicalTime = typical;

        // P(no click) of a slate under the pooled model, as the no-click utility's centre.
        var slates = Math.Max(1, _slateChosen.Length);
        var clicks = _slateChosen.Count(c => c >= 0);
        _pooledNoClick = b.Intercept + Math.Log((slates - clicks + 0.5) / (clicks + 0.5));
        _profile = new double[3][][];
        for (var slot = 0; slot < _profile.Length; slot++)
        {
            _profile[slot] = new double[Groups][];
            for (var g = 0; g < Groups; g++)
            {
                _profile[slot][g] = new double[_groupTopics[g] + 1];
                _profile[slot][g][_groupTopics[g]] = _pooledNoClick;
            }
        }
    }

    public override int ExtraParameters => _hasQuality ? 4 : 3;

    public override bool HasOffset => true;

    /// <summary>Reinforcement eta = 0.5 to start (logit 0); amplitude prior mean 1 and sd 1.5; quality coefficient 0.</summary>
    public override double[] InitialExtra => _hasQuality ? [0.0, 1.0, Math.Log(1.5), 0.0] : [0.0, 1.0, Math.Log(1.5)];

    /// <summary>Whether the likelihood has the quality term (the log carries item quality).</summary>
    public bool HasQualityTerm => _hasQuality;

    /// <summary>The quality coefficient (logit per unit of quality) that the extra parameters stand for; NaN without the quality term.</summary>
    public double QualityCoefficientOf(double[] extra) => _hasQuality ? extra[3] : double.NaN;

    public override double TypicalTime { get; }

    public override string Kind => "impressions (slate choice with no-click option; strength with baseline and reinforcement; amplitudes per history x topic)";

    public override (double Min, double Max) ObservedElapsed => (_elapsedMin, _elapsedMax);

    public override int EventsOfUser(int user) => _userClicks[user];

    public override double ReinforcementOf(double[] extra) => Logistic(extra[0]);

    /// <summary>
    /// Builds one group per history, its rows cut into slates (rows of one history with one time)
    /// and each slate's rows into options, one per topic shown in it: items of one topic share the
    /// topic's strength, so a slate's choice has as many amplitude terms as topics, not items.
    /// </summary>
    public static ImpressionLikelihood Build(InteractionLog log, ParallelOptions parallel)
    {
        var cancel = parallel.CancellationToken;
        var order = log.SortedRows();
        cancel.ThrowIfCancellationRequested();
        var b = new Builder(order.Length, log.HasQuality);
        (b.Intercept, b.Gamma) = PooledPositionModel(log.Position, log.Clicked);
        var history = log.History;
        var time = log.Time;
        var topicOf = log.Topic;
        var positionOf = log.Position;
        var clickedOf = log.Clicked;
        var qualityOf = log.Quality;
        var localTopic = new int[Math.Max(1, log.Topics)];
        Array.Fill(localTopic, -1);
        var shownTopics = new List<int>();
        var lastClick = new List<double>();
        var slateRows = new List<(int Local, int Row)>();
        var groupUser = new List<int>();
        var userClicks = new int[log.Users];
        var elapsedIndex = new Dictionary<double, int>();
        var kindIndex = new Dictionary<(short, float), int>();
        var slateTimes = new List<double>();
        double elapsedMin = double.PositiveInfinity, elapsedMax = 0;
        var i = 0;
        while (i < order.Length)
        {
            cancel.ThrowIfCancellationRequested();
            var h = history[order[i]];
            foreach (var t in shownTopics)
            {
                localTopic[t] = -1;
            }

            shownTopics.Clear();
            lastClick.Clear();
            groupUser.Add(log.UserOf(h));
            while (i < order.Length && history[order[i]] == h)
            {
                var t = time[order[i]];
                slateRows.Clear();
                var clickedRow = -1;
                for (; i < order.Length && history[order[i]] == h && time[order[i]] == t; i++)
                {
                    var r = order[i];
                    var g = topicOf[r];
                    if (localTopic[g] < 0)
                    {
                        localTopic[g] = shownTopics.Count;
                        shownTopics.Add(g);
                        lastClick.Add(log.Origin);
                    }

                    slateRows.Add((localTopic[g], r));
                    if (clickedOf[r])
                    {
                        clickedRow = r;
                        userClicks[log.UserOf(h)]++;
                    }
                }

                // Options in ascending local topic (the Hessian update writes its lower triangle);
                // rows keep their order within an option.
                slateRows.Sort((x, y) => x.Local != y.Local ? x.Local.CompareTo(y.Local) : x.Row.CompareTo(y.Row));
                slateTimes.Add(t - log.Origin);
                var chosen = -1;
                var chosenKind = -1;
                for (var k = 0; k < slateRows.Count;)
                {
                    var local = slateRows[k].Local;
                    var dt = t - lastClick[local];
                    if (!elapsedIndex.TryGetValue(dt, out var e))
                    {
                        e = elapsedIndex.Count;
                        elapsedIndex[dt] = e;
                        if (dt > 0)
                        {
                            elapsedMin = Math.Min(elapsedMin, dt);
                        }

                        elapsedMax = Math.Max(elapsedMax, dt);
                    }

                    b.AddOption(local, e);
                    for (; k < slateRows.Count && slateRows[k].Local == local; k++)
                    {
                        var r = slateRows[k].Row;
                        var key = (Math.Max((short)0, positionOf[r]), log.HasQuality ? qualityOf[r] : 0f);
                        if (!kindIndex.TryGetValue(key, out var kind))
                        {
                            kind = kindIndex.Count;
                            kindIndex[key] = kind;
                        }

                        b.AddRow(kind);
                        if (r == clickedRow)
                        {
                            chosen = b.Options - 1;
                            chosenKind = kind;
                        }
                    }
                }

                b.EndSlate(chosen, chosenKind);
                if (clickedRow >= 0)
                {
                    lastClick[localTopic[topicOf[clickedRow]]] = t;
                }
            }

            b.EndGroup(shownTopics.Count);
        }

        b.Elapsed = new double[elapsedIndex.Count];
        foreach (var (dt, e) in elapsedIndex)
        {
            b.Elapsed[e] = dt;
        }

        b.KindPosition = new short[kindIndex.Count];
        b.KindQuality = new double[kindIndex.Count];
        foreach (var ((position, quality), kind) in kindIndex)
        {
            b.KindPosition[kind] = position;
            b.KindQuality[kind] = quality;
        }

        b.UserClicks = userClicks;
        b.ElapsedMin = double.IsFinite(elapsedMin) ? elapsedMin : 1;
        b.ElapsedMax = Math.Max(elapsedMax, b.ElapsedMin);
        b.Finish();
        slateTimes.Sort();
        var typical = slateTimes.Count > 0 ? Math.Max(slateTimes[slateTimes.Count / 4], 1e-6) : 1;
        return new ImpressionLikelihood(b, [.. groupUser], log.Users, typical, parallel);
    }

    protected override double GroupLogLikelihood(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra, int slot = 0) =>
        Profile(group, shape, offset, extra, default, slot);

    /// <summary>
    /// Replays the history's strengths (peaks move on clicks), finds the mode of the amplitudes
    /// and no-click utility by Newton's method and returns Laplace's approximation of the
    /// history's marginal log-likelihood; when asked, writes each option's fitted choice
    /// probability (the sum over its items).
    /// </summary>
    private double Profile(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra, Span<double> optionProbability, int slot = 0)
    {
        var baseline = offset / (1 + offset);
        var eta = Logistic(extra[0]);
        var amplitudeMean = extra[1];
        var amplitudePrecision = Math.Exp(-2 * extra[2]);
        var beta = _hasQuality ? extra[3] : 0;
        var kindWeight = KindWeights(beta);
        var o0 = _groupOptionStart[group];
        var n = _groupOptionStart[group + 1] - o0;
        var s0 = _groupSlateStart[group];
        var slates = _groupSlateStart[group + 1] - s0;
        var k = _groupTopics[group];
        var dim = k + 1;
        var scratch = Scratch.For(n, slates, dim);
        var x = scratch.Strength.AsSpan(0, n);
        var w = scratch.Weight.AsSpan(0, n);
        var e = scratch.Exp.AsSpan(0, Padded(n));
        var totals = scratch.Totals.AsSpan(0, Padded(slates));
        var hessian = scratch.Hessian.AsSpan(0, dim * dim);
        var gradient = scratch.Gradient.AsSpan(0, dim);
        var step = scratch.Step.AsSpan(0, dim);
        var peak = scratch.Peak.AsSpan(0, Math.Max(k, 1));
        var m = scratch.Mean.AsSpan(0, dim);

        // The group's slices of the per-option and per-slate arrays (offsets from o0 and s0).
        var topics = _optionTopic.AsSpan(o0, n);
        var elapsed = _optionElapsed.AsSpan(o0, n);
        var rowStart = _optionRowStart.AsSpan(o0, n + 1);
        var slateStart = _slateOptionStart.AsSpan(s0, slates + 1);
        var chosen = _slateChosen.AsSpan(s0, slates);

        // Retention of each option's elapsed time: from a table of the log's distinct elapsed
        // times (ticks), kept per thread while the curve stays (every group of a Total call shares
        // it), else one by one when the group has fewer options than twice the distinct times.
        if (scratch.HasRetention(_id, shape) || _elapsed.Length * 2 <= n)
        {
            var table = scratch.RetentionTable(_id, shape, _elapsed);
            for (var o = 0; o < x.Length; o++)
            {
                x[o] = table[elapsed[o]];
            }
        }
        else
        {
            for (var o = 0; o < x.Length; o++)
            {
                x[o] = shape.Retention(_elapsed[elapsed[o]]);
            }
        }

        // Item weights: sum over the option's items of exp(gamma j + beta q).
        var kinds = _rowKind.AsSpan(rowStart[0], rowStart[n] - rowStart[0]);
        var firstRow = rowStart[0];
        for (var o = 0; o < w.Length; o++)
        {
            var sum = 0.0;
            foreach (var kind in kinds[(rowStart[o] - firstRow)..(rowStart[o + 1] - firstRow)])
            {
                sum += kindWeight[kind];
            }

            w[o] = sum;
        }

        // Strength b + (peak - b) R(dt), the peak moving to w + eta (1 - w) from the strength w a click met.
        peak.Fill(1);
        for (var s = 0; s < slates; s++)
        {
            var from = slateStart[s] - o0;
            var to = slateStart[s + 1] - o0;
            for (var o = from; o < to; o++)
            {
                x[o] = baseline + ((peak[topics[o]] - baseline) * x[o]);
            }

            var c = chosen[s] - o0;
            if (c >= 0)
            {
                var strength = x[c];
                peak[topics[c]] = strength + (eta * (1 - strength));
            }
        }

        // The clicked items' fixed logit parts (gamma j + beta q) do not depend on the amplitudes.
        var chosenFixed = 0.0;
        for (var s = 0; s < slates; s++)
        {
            if (chosen[s] >= 0)
            {
                chosenFixed += Fixed(_slateChosenKind[s0 + s], beta);
            }
        }

        var theta = _profile[slot][group].AsSpan(0, dim);
        var value = 0.0;
        var logPrecision = Math.Log(amplitudePrecision);
        for (var iteration = 0; iteration < NewtonIterations; iteration++)
        {
            // Logits of every option at once, then the slates in order.
            for (var o = 0; o < x.Length; o++)
            {
                e[o] = theta[topics[o]] * x[o];
            }

            e[n..].Clear();
            ExpInPlace(e);
            var noClick = Math.Exp(theta[k]);
            var ll = chosenFixed;
            for (var a = 0; a < k; a++)
            {
                var deviation = theta[a] - amplitudeMean;
                gradient[a] = -deviation * amplitudePrecision;
                ll -= 0.5 * ((deviation * deviation * amplitudePrecision) - logPrecision);
            }

            var noClickDeviation = theta[k] - _pooledNoClick;
            gradient[k] = -noClickDeviation * PriorPrecision;
            ll -= 0.5 * noClickDeviation * noClickDeviation * PriorPrecision;
            hessian.Clear();
            for (var a = 0; a < k; a++)
            {
                hessian[(a * dim) + a] = amplitudePrecision;
            }

            var noClickRow = hessian.Slice(k * dim, dim);
            noClickRow[k] = PriorPrecision;
            var noClickGradient = gradient[k];
            var noClickCurvature = noClickRow[k];

            // The slates' loop is the fit's hot path (every option of every history, every Newton
            // pass of every likelihood evaluation): it walks the spans by reference, without
            // bounds checks. Indices are safe by construction: options of a slate are distinct
            // topics of the history in ascending order (Build), so every topic is below k and a
            // slate has at most k options.
            ref var eRef = ref MemoryMarshal.GetReference(e);
            ref var wRef = ref MemoryMarshal.GetReference(w);
            ref var xRef = ref MemoryMarshal.GetReference(x);
            ref var tRef = ref MemoryMarshal.GetReference(topics);
            ref var hRef = ref MemoryMarshal.GetReference(hessian);
            ref var gRef = ref MemoryMarshal.GetReference(gradient);
            ref var mRef = ref MemoryMarshal.GetReference(m);
            ref var noClickRef = ref Unsafe.Add(ref hRef, k * dim);
            for (var s = 0; s < slates; s++)
            {
                var from = slateStart[s] - o0;
                var count = slateStart[s + 1] - o0 - from;
                ref var eS = ref Unsafe.Add(ref eRef, from);
                ref var wS = ref Unsafe.Add(ref wRef, from);
                ref var xS = ref Unsafe.Add(ref xRef, from);
                ref var tS = ref Unsafe.Add(ref tRef, from);
                var total = noClick;
                for (var j = 0; j < count; j++)
                {
                    ref var ej = ref Unsafe.Add(ref eS, j);
                    ej *= Unsafe.Add(ref wS, j);
                    total += ej;
                }

                totals[s] = total;
                var inverse = 1 / total;
                var c = chosen[s] - o0;
                if (c >= 0)
                {
                    var g = topics[c];
                    ll += theta[g] * x[c];
                    gradient[g] += x[c];
                }
                else
                {
                    ll += theta[k];
                    noClickGradient += 1;
                }

                // Expected features under the slate's choice probabilities: m_g = p_g x_g for each
                // option, p(no click) for the last coordinate; H gains diag(p x^2) - m m'.
                var pNoClick = noClick * inverse;
                for (var j = 0; j < count; j++)
                {
                    int g = Unsafe.Add(ref tS, j);
                    var xj = Unsafe.Add(ref xS, j);
                    var mean = Unsafe.Add(ref eS, j) * inverse * xj;
                    Unsafe.Add(ref mRef, j) = mean;
                    Unsafe.Add(ref gRef, g) -= mean;
                    ref var row = ref Unsafe.Add(ref hRef, g * dim);
                    Unsafe.Add(ref row, g) += mean * xj;
                    for (var l = 0; l <= j; l++)
                    {
                        Unsafe.Add(ref row, Unsafe.Add(ref tS, l)) -= mean * Unsafe.Add(ref mRef, l);
                    }

                    Unsafe.Add(ref noClickRef, g) -= pNoClick * mean;
                }

                noClickGradient -= pNoClick;
                noClickCurvature += pNoClick * (1 - pNoClick);
            }

            gradient[k] = noClickGradient;
            noClickRow[k] = noClickCurvature;
            totals[slates..].Fill(1);
            ll -= SumOfLogs(totals);
            var logDeterminant = SolveSymmetric(hessian, gradient, step, dim);
            var gain = 0.0;
            var largest = 0.0;
            for (var a = 0; a < dim; a++)
            {
                gain += gradient[a] * step[a];
                largest = Math.Max(largest, Math.Abs(step[a]));
            }

            // Laplace's approximation integrates the nuisance out instead of maximising it away: the
            // -1/2 ln det term removes the profile likelihood's pull toward curves under which the
            // history's amplitudes can overfit (the Neyman-Scott bias of many nuisance parameters).
            value = ll + (0.5 * gain) - (0.5 * logDeterminant);
            for (var a = 0; a < dim; a++)
            {
                theta[a] += Math.Clamp(step[a], -2, 2);
            }

            if (largest < NewtonTolerance && iteration > 0)
            {
                break;
            }
        }

        if (!optionProbability.IsEmpty)
        {
            for (var o = 0; o < n; o++)
            {
                e[o] = theta[topics[o]] * x[o];
            }

            e[n..].Clear();
            ExpInPlace(e);
            var noClick = Math.Exp(theta[k]);
            for (var s = 0; s < slates; s++)
            {
                var from = slateStart[s] - o0;
                var to = slateStart[s + 1] - o0;
                var total = noClick;
                for (var o = from; o < to; o++)
                {
                    e[o] *= w[o];
                    total += e[o];
                }

                for (var o = from; o < to; o++)
                {
                    optionProbability[o0 + o] = e[o] / total;
                }
            }
        }

        return value;
    }

    /// <summary>gamma j + beta q of a row kind: the part of an item's logit that does not depend on the amplitudes.</summary>
    private double Fixed(int kind, double beta) => (_gamma * _kindPosition[kind]) + (beta * _kindQuality[kind]);

    /// <summary>exp(gamma j + beta q) of every row kind at this beta (cached: the last table is reused while beta stays).</summary>
    private double[] KindWeights(double beta)
    {
        var table = _kindTable;
        if (table is not null && table.Beta.Equals(beta))
        {
            return table.Weights;
        }

        var weights = new double[_kindPosition.Length];
        for (var kind = 0; kind < weights.Length; kind++)
        {
            weights[kind] = Math.Exp(Fixed(kind, beta));
        }

        _kindTable = new KindTable(beta, weights);
        return weights;
    }

    private sealed record KindTable(double Beta, double[] Weights);

    private static int Padded(int n) => (n + 3) & ~3;

    /// <summary>e^v in place, four at a time where the hardware has 256-bit vectors (same bits on any thread count).</summary>
    private static void ExpInPlace(Span<double> values)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vectors = MemoryMarshal.Cast<double, Vector256<double>>(values);
            for (var v = 0; v < vectors.Length; v++)
            {
                vectors[v] = Vector256.Exp(vectors[v]);
            }

            i = vectors.Length * 4;
        }

        for (; i < values.Length; i++)
        {
            values[i] = Math.Exp(values[i]);
        }
    }

    /// <summary>Sum of ln v, four at a time where the hardware has 256-bit vectors (summed in a fixed order).</summary>
    private static double SumOfLogs(Span<double> values)
    {
        var i = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vectors = MemoryMarshal.Cast<double, Vector256<double>>(values);
            var accumulator = Vector256<double>.Zero;
            for (var v = 0; v < vectors.Length; v++)
            {
                accumulator += Vector256.Log(vectors[v]);
            }

            sum = Vector256.Sum(accumulator);
            i = vectors.Length * 4;
        }

        for (; i < values.Length; i++)
        {
            sum += Math.Log(values[i]);
        }

        return sum;
    }

    /// <summary>Per-thread work arrays of <see cref="Profile"/>, grown to the largest group seen.</summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? _current;

        public double[] Strength { get; private set; } = [];

        public double[] Weight { get; private set; } = [];

        public double[] Exp { get; private set; } = [];

        public double[] Totals { get; private set; } = [];

        public double[] Retention { get; private set; } = [];

        public double[] Hessian { get; private set; } = [];

        public double[] Gradient { get; private set; } = [];

        public double[] Step { get; private set; } = [];

        public double[] Peak { get; private set; } = [];

        public double[] Mean { get; private set; } = [];

        public static Scratch For(int options, int slates, int dim)
        {
            var s = _current ??= new Scratch();
            if (s.Strength.Length < options)
            {
                var size = Math.Max(options, s.Strength.Length * 2);
                s.Strength = new double[size];
                s.Weight = new double[size];
                s.Exp = new double[Padded(size)];
            }

            if (s.Totals.Length < Padded(slates))
            {
                s.Totals = new double[Padded(Math.Max(slates, s.Totals.Length * 2))];
            }

            if (s.Gradient.Length < dim)
            {
                s.Hessian = new double[dim * dim];
                s.Gradient = new double[dim];
                s.Step = new double[dim];
                s.Peak = new double[dim];
                s.Mean = new double[dim];
            }

            return s;
        }

        private long _retentionOwner;
        private CurveShape _retentionShape;

        /// <summary>Whether <see cref="Retention"/> holds <paramref name="owner"/>'s elapsed times under <paramref name="shape"/>.</summary>
        public bool HasRetention(long owner, in CurveShape shape) => _retentionOwner == owner && _retentionShape == shape;

        /// <summary>R(t) of every distinct elapsed time, computed when the owner or the curve changed.</summary>
        public ReadOnlySpan<double> RetentionTable(long owner, in CurveShape shape, double[] elapsed)
        {
            if (!HasRetention(owner, shape))
            {
                if (Retention.Length < elapsed.Length)
                {
                    Retention = new double[elapsed.Length];
                }

                for (var d = 0; d < elapsed.Length; d++)
                {
                    Retention[d] = shape.Retention(elapsed[d]);
                }

                _retentionOwner = owner;
                _retentionShape = shape;
            }

            return Retention.AsSpan(0, elapsed.Length);
        }
    }

    /// <summary>The arrays of <see cref="Build"/>, filled history by history and trimmed at the end.</summary>
    private sealed class Builder(int rows, bool hasQuality)
    {
        private readonly List<int> _groupSlateStart = [0];
        private readonly List<int> _groupOptionStart = [0];
        private readonly List<int> _groupTopics = [];
        private int[] _slateOptionStart = new int[Math.Max(2, (rows / 4) + 2)];
        private int[] _slateChosen = new int[Math.Max(1, rows / 4)];
        private int[] _slateChosenKind = new int[Math.Max(1, rows / 4)];
        private int[] _optionRowStart = new int[Math.Max(2, (rows / 2) + 2)];
        private ushort[] _optionTopic = new ushort[Math.Max(1, rows / 2)];
        private int[] _optionElapsed = new int[Math.Max(1, rows / 2)];
        private readonly int[] _rowKind = new int[rows];
        private int _slates;
        private int _rows;

        public bool HasQuality => hasQuality;

        public double Intercept { get; set; }

        public double Gamma { get; set; }

        public int Options { get; private set; }

        public int[] GroupSlateStart { get; private set; } = [];

        public int[] GroupOptionStart { get; private set; } = [];

        public int[] GroupTopics { get; private set; } = [];

        public int[] SlateOptionStart => _slateOptionStart;

        public int[] SlateChosen => _slateChosen;

        public int[] SlateChosenKind => _slateChosenKind;

        public ushort[] OptionTopic => _optionTopic;

        public int[] OptionElapsed => _optionElapsed;

        public int[] OptionRowStart => _optionRowStart;

        public int[] RowKind => _rowKind;

        public double[] Elapsed { get; set; } = [];

        public short[] KindPosition { get; set; } = [];

        public double[] KindQuality { get; set; } = [];

        public int[] UserClicks { get; set; } = [];

        public double ElapsedMin { get; set; }

        public double ElapsedMax { get; set; }

        public void AddOption(int localTopic, int elapsed)
        {
            if (Options == _optionTopic.Length)
            {
                var size = Math.Min(rows, _optionTopic.Length * 2);
                Array.Resize(ref _optionTopic, size);
                Array.Resize(ref _optionElapsed, size);
                Array.Resize(ref _optionRowStart, size + 1);
            }

            _optionTopic[Options] = (ushort)localTopic;
            _optionElapsed[Options] = elapsed;
            _optionRowStart[Options] = _rows;
            Options++;
        }

        public void AddRow(int kind) => _rowKind[_rows++] = kind;

        public void EndSlate(int chosen, int chosenKind)
        {
            if (_slates == _slateChosen.Length)
            {
                var size = Math.Min(rows, _slateChosen.Length * 2);
                Array.Resize(ref _slateChosen, size);
                Array.Resize(ref _slateChosenKind, size);
                Array.Resize(ref _slateOptionStart, size + 1);
            }

            _slateChosen[_slates] = chosen;
            _slateChosenKind[_slates] = chosenKind;
            _slates++;
            _slateOptionStart[_slates] = Options;
        }

        public void EndGroup(int topics)
        {
            if (topics > ushort.MaxValue)
            {
                throw new InvalidOperationException($"a history shows {topics} topics; at most {ushort.MaxValue} are supported");
            }

            _groupSlateStart.Add(_slates);
            _groupOptionStart.Add(Options);
            _groupTopics.Add(topics);
        }

        public void Finish()
        {
            _optionRowStart[Options] = _rows;
            Array.Resize(ref _slateOptionStart, _slates + 1);
            Array.Resize(ref _slateChosen, _slates);
            Array.Resize(ref _slateChosenKind, _slates);
            Array.Resize(ref _optionTopic, Options);
            Array.Resize(ref _optionElapsed, Options);
            Array.Resize(ref _optionRowStart, Options + 1);
            GroupSlateStart = [.. _groupSlateStart];
            GroupOptionStart = [.. _groupOptionStart];
            GroupTopics = [.. _groupTopics];
        }
    }

    /// <summary>Pooled logit P(click) = a + gamma j by Newton's method: the position decay shared by every group.</summary>
    private static (double Intercept, double Gamma) PooledPositionModel(ReadOnlySpan<short> position, ReadOnlySpan<bool> clicked)
    {
        var maxPosition = 0;
        foreach (var p in position)
        {
            maxPosition = Math.Max(maxPosition, (int)p);
        }

        var shown = new double[maxPosition + 1];
        var clicks = new double[maxPosition + 1];
        for (var r = 0; r < position.Length; r++)
        {
            var j = Math.Max(0, (int)position[r]);
            shown[j]++;
            clicks[j] += clicked[r] ? 1 : 0;
        }

        var total = shown.Sum();
        var a = Math.Log((clicks.Sum() + 0.5) / (total - clicks.Sum() + 0.5));
        var gamma = 0.0;
        for (var iteration = 0; iteration < 50 && maxPosition > 0; iteration++)
        {
            double ga = 0, gg = 0, haa = 0, hag = 0, hgg = 0;
            for (var j = 0; j <= maxPosition; j++)
            {
                var p = Logistic(a + (gamma * j));
                var w = shown[j] * p * (1 - p);
                ga += clicks[j] - (shown[j] * p);
                gg += (clicks[j] - (shown[j] * p)) * j;
                haa -= w;
                hag -= w * j;
                hgg -= w * j * j;
            }

            var det = (haa * hgg) - (hag * hag);
            if (det == 0)
            {
                break;
            }

            var da = -((hgg * ga) - (hag * gg)) / det;
            var dg = -((haa * gg) - (hag * ga)) / det;
            a += da;
            gamma += dg;
            if (Math.Abs(da) + Math.Abs(dg) < 1e-10)
            {
                break;
            }
        }

        return (a, gamma);
    }

    public override RateBins Bin(CurveShape shape, double offset, double[] extra, double[] edges, double[]? logFactors = null)
    {
        var probability = new double[_optionTopic.Length];
        for (var u = 0; u < Users; u++)
        {
            var userShape = logFactors is null ? shape : shape.Scaled(Math.Exp(logFactors[u]));
            for (var g = UserGroupStart(u); g < UserGroupEnd(u); g++)
            {
                Profile(g, userShape, offset, extra, probability);
            }
        }

        var bins = edges.Length - 1;
        var clicks = new double[bins];
        var fitted = new double[bins];
        var weight = new double[bins];
        for (var s = 0; s < _slateChosen.Length; s++)
        {
            for (var o = _slateOptionStart[s]; o < _slateOptionStart[s + 1]; o++)
            {
                var b = BinOf(edges, _elapsed[_optionElapsed[o]]);
                if (b < 0)
                {
                    continue;
                }

                clicks[b] += _slateChosen[s] == o ? 1 : 0;
                fitted[b] += probability[o];
                weight[b] += _optionRowStart[o + 1] - _optionRowStart[o];
            }
        }

        return RateBins.Rates(edges, clicks, fitted, weight, RateKind.Proportion);
    }

    /// <summary>
    /// Solves H x = g for a symmetric positive definite H given by its lower triangle (Cholesky; H
    /// is overwritten) and returns ln det H. Rows are sliced once per step so the inner loops are
    /// dot products of spans (no bounds check per element).
    /// </summary>
    private static double SolveSymmetric(Span<double> h, ReadOnlySpan<double> g, Span<double> x, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = h.Slice(j * n, j);
            var sum = h[(j * n) + j] - Dot(rowJ, rowJ);
            var diagonal = Math.Sqrt(Math.Max(sum, 1e-12));
            h[(j * n) + j] = diagonal;
            var inverse = 1 / diagonal;
            for (var i = j + 1; i < n; i++)
            {
                h[(i * n) + j] = (h[(i * n) + j] - Dot(h.Slice(i * n, j), rowJ)) * inverse;
            }
        }

        for (var i = 0; i < n; i++)
        {
            x[i] = (g[i] - Dot(h.Slice(i * n, i), x[..i])) / h[(i * n) + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var s = x[i];
            for (var k = i + 1; k < n; k++)
            {
                s -= h[(k * n) + i] * x[k];
            }

            x[i] = s / h[(i * n) + i];
        }

        var logDeterminant = 0.0;
        for (var i = 0; i < n; i++)
        {
            logDeterminant += 2 * Math.Log(h[(i * n) + i]);
        }

        return logDeterminant;
    }

    /// <summary>Sum of a[i] b[i] in index order (the same bits on every run).</summary>
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}
