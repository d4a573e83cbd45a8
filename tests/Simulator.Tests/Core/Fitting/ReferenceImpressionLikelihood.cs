using Simulator.Core.Fitting;

namespace Simulator.Tests.Core.Fitting;

/// <summary>
/// The impression likelihood as it was before it was made fast (commit ef888f2): one row at a
/// time, every slate's normaliser recomputed, Newton to 1e-8 and a final pass. Kept to check that
/// <see cref="ImpressionLikelihood"/> gives the same values.
/// </summary>
internal sealed class ReferenceImpressionLikelihood : ForgettingLikelihood
{
    /// <summary>Prior sd of the per-history no-click utility around its pooled value.</summary>
    public const double PriorSd = 3.0;

    private const double PriorPrecision = 1.0 / (PriorSd * PriorSd);
    private readonly int[] _slateStart;
    private readonly int[] _groupSlateStart;
    private readonly double[] _slateTime;
    private readonly int[] _topic;
    private readonly short[] _position;
    private readonly bool[] _clicked;
    private readonly double[]? _quality;
    private readonly double[][] _profile;
    private readonly int[] _userClicks;
    private readonly double _gamma;
    private readonly double _pooledNoClick;
    private readonly int _topics;
    private readonly double _origin;

    private ReferenceImpressionLikelihood(
        int[] groupStart, int[] groupUser, int users, int[] groupSlateStart, int[] slateStart, double[] slateTime, int[] topic, short[] position, bool[] clicked, double[]? quality, int topics, int[] userClicks, double origin, double typical, ParallelOptions parallel)
        : base(groupStart, groupUser, users, parallel)
    {
        _quality = quality;
        _groupSlateStart = groupSlateStart;
        _slateStart = slateStart;
        _slateTime = slateTime;
        _topic = topic;
        _position = position;
        _clicked = clicked;
        _topics = topics;
        _userClicks = userClicks;
        _origin = origin;
        TypicalTime = typical;
        double intercept;
        (intercept, _gamma) = PooledPositionModel(position, clicked);

        // P(no click) of a slate of k items under the pooled model, as the no-click utility's centre.
        var slates = Math.Max(1, slateStart.Length - 1);
        var clicks = clicked.Count(c => c);
        _pooledNoClick = intercept + Math.Log((slates - clicks + 0.5) / (clicks + 0.5));
        _profile = new double[Groups][];
        for (var g = 0; g < Groups; g++)
        {
            _profile[g] = new double[topics + 1];
            _profile[g][topics] = _pooledNoClick;
        }
    }

    public override int ExtraParameters => _quality is null ? 3 : 4;

    public override bool HasOffset => true;

    /// <summary>Reinforcement eta = 0.5 to start (logit 0); amplitude prior mean 1 and sd 1.5; quality coefficient 0.</summary>
    public override double[] InitialExtra => _quality is null ? [0.0, 1.0, Math.Log(1.5)] : [0.0, 1.0, Math.Log(1.5), 0.0];

    /// <summary>Whether the likelihood has the quality term (the log carries item quality).</summary>
    public bool HasQualityTerm => _quality is not null;

    /// <summary>The quality coefficient (logit per unit of quality) that the extra parameters stand for; NaN without the quality term.</summary>
    public double QualityCoefficientOf(double[] extra) => _quality is null ? double.NaN : extra[3];

    public override double TypicalTime { get; }

    public override string Kind => "impressions (slate choice with no-click option; strength with baseline and reinforcement; amplitudes per history x topic)";

    public override int EventsOfUser(int user) => _userClicks[user];

    public override (double Min, double Max) ObservedElapsed => (1, TypicalTime);

    public override double ReinforcementOf(double[] extra) => Logistic(extra[0]);

    /// <summary>Builds one group per history, its rows cut into slates (rows of one history with one time).</summary>
    public static ReferenceImpressionLikelihood Build(InteractionLog log, ParallelOptions parallel)
    {
        var order = log.SortedRows();
        var history = log.History;
        var time = log.Time;
        var topicIndex = new Dictionary<int, int>();
        var topic = new int[order.Length];
        var position = new short[order.Length];
        var clicked = new bool[order.Length];
        var quality = log.HasQuality ? new double[order.Length] : null;
        var groupStart = new List<int> { 0 };
        var groupUser = new List<int>();
        var groupSlateStart = new List<int> { 0 };
        var slateStart = new List<int> { 0 };
        var slateTime = new List<double>();
        var userClicks = new int[log.Users];
        var gaps = new List<double>();
        for (var i = 0; i < order.Length; i++)
        {
            var r = order[i];
            if (!topicIndex.TryGetValue(log.Topic[r], out var t))
            {
                t = topicIndex.Count;
                topicIndex[log.Topic[r]] = t;
            }

            topic[i] = t;
            position[i] = Math.Max((short)0, log.Position[r]);
            clicked[i] = log.Clicked[r];
            if (quality is not null)
            {
                quality[i] = log.Quality[r];
            }

            if (clicked[i])
            {
                userClicks[log.UserOf(history[r])]++;
            }

            var last = i + 1 == order.Length;
            var newHistory = last || history[order[i + 1]] != history[r];
            if (newHistory || time[order[i + 1]] != time[r])
            {
                slateStart.Add(i + 1);
                slateTime.Add(time[r]);
                gaps.Add(time[r] - log.Origin);
            }

            if (newHistory)
            {
                groupStart.Add(i + 1);
                groupUser.Add(log.UserOf(history[r]));
                groupSlateStart.Add(slateTime.Count);
            }
        }

        gaps.Sort();
        var typical = gaps.Count > 0 ? Math.Max(gaps[gaps.Count / 4], 1e-6) : 1;
        return new ReferenceImpressionLikelihood(
            [.. groupStart], [.. groupUser], log.Users, [.. groupSlateStart], [.. slateStart], [.. slateTime], topic, position, clicked, quality, Math.Max(1, topicIndex.Count), userClicks, log.Origin, typical, parallel);
    }

    protected override double GroupLogLikelihood(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra, int slot = 0) =>
        Profile(group, shape, offset, extra, null, null);

    /// <summary>
    /// Replays the history's strengths (peaks move on clicks), profiles the amplitudes and the
    /// no-click utility by Newton's method and returns the penalised log-likelihood; when asked,
    /// writes each row's time since its topic's last click and its fitted choice probability.
    /// </summary>
    private double Profile(int group, in CurveShape shape, double offset, ReadOnlySpan<double> extra, double[]? rowDt, double[]? rowProbability)
    {
        var baseline = offset / (1 + offset);
        var eta = Logistic(extra[0]);
        var amplitudeMean = extra[1];
        var amplitudePrecision = Math.Exp(-2 * extra[2]);
        var beta = _quality is null ? 0 : extra[3];
        var rowStart = RowStart(group);
        var n = RowEnd(group) - rowStart;
        var d = _topics;
        var strength = n <= 1024 ? stackalloc double[n] : new double[n];
        var fixedPart = n <= 1024 ? stackalloc double[n] : new double[n];
        Span<double> peak = d <= 64 ? stackalloc double[d] : new double[d];
        Span<double> last = d <= 64 ? stackalloc double[d] : new double[d];
        peak.Fill(1);
        last.Fill(_origin);
        var slateFrom = _groupSlateStart[group];
        var slateTo = _groupSlateStart[group + 1];
        for (var s = slateFrom; s < slateTo; s++)
        {
            var t = _slateTime[s];
            var clickedRow = -1;
            for (var r = _slateStart[s]; r < _slateStart[s + 1]; r++)
            {
                var g = _topic[r];
                var dt = t - last[g];
                strength[r - rowStart] = baseline + ((peak[g] - baseline) * shape.Retention(dt));
                fixedPart[r - rowStart] = (_gamma * _position[r]) + (_quality is null ? 0 : beta * _quality[r]);
                if (rowDt is not null)
                {
                    rowDt[r] = dt;
                }

                if (_clicked[r])
                {
                    clickedRow = r;
                }
            }

            if (clickedRow >= 0)
            {
                var g = _topic[clickedRow];
                var w = strength[clickedRow - rowStart];
                peak[g] = w + (eta * (1 - w));
                last[g] = t;
            }
        }

        var theta = _profile[group];
        var dim = d + 1;
        Span<double> gradient = stackalloc double[dim];
        Span<double> step = stackalloc double[dim];
        Span<double> mean = stackalloc double[dim];
        var hessian = new double[dim * dim];
        var logDeterminant = 0.0;
        for (var iteration = 0; iteration < 60; iteration++)
        {
            // Gradient and negative Hessian of the penalised log-likelihood; the features of an item
            // are its strength in its topic's slot, the no-click option's a 1 in the last slot.
            for (var a = 0; a < d; a++)
            {
                gradient[a] = -(theta[a] - amplitudeMean) * amplitudePrecision;
            }

            gradient[d] = -(theta[d] - _pooledNoClick) * PriorPrecision;
            Array.Clear(hessian);
            for (var a = 0; a < d; a++)
            {
                hessian[(a * dim) + a] = amplitudePrecision;
            }

            hessian[(d * dim) + d] = PriorPrecision;

            for (var s = slateFrom; s < slateTo; s++)
            {
                var from = _slateStart[s];
                var to = _slateStart[s + 1];
                var (max, total) = Normaliser(theta, d, from, to, strength, fixedPart, rowStart);
                mean.Clear();
                var noClick = Math.Exp(theta[d] - max) / total;
                mean[d] = noClick;
                hessian[(d * dim) + d] += noClick;
                var anyClick = false;
                for (var r = from; r < to; r++)
                {
                    var x = strength[r - rowStart];
                    var p = Math.Exp(Eta(theta, r, x, fixedPart[r - rowStart]) - max) / total;
                    var g = _topic[r];
                    mean[g] += p * x;
                    hessian[(g * dim) + g] += p * x * x;
                    if (_clicked[r])
                    {
                        gradient[g] += x;
                        anyClick = true;
                    }
                }

                if (!anyClick)
                {
                    gradient[d] += 1;
                }

                for (var a = 0; a < dim; a++)
                {
                    if (mean[a] == 0)
                    {
                        continue;
                    }

                    gradient[a] -= mean[a];
                    for (var b = 0; b < dim; b++)
                    {
                        hessian[(a * dim) + b] -= mean[a] * mean[b];
                    }
                }
            }

            logDeterminant = SolveSymmetric(hessian, gradient, step, dim);
            var change = 0.0;
            for (var a = 0; a < dim; a++)
            {
                var delta = Math.Clamp(step[a], -2, 2);
                theta[a] += delta;
                change += Math.Abs(delta);
            }

            if (change < 1e-8)
            {
                break;
            }
        }

        // Laplace's approximation integrates the nuisance out instead of maximising it away: the
        // -1/2 ln det term removes the profile likelihood's pull toward curves under which the
        // history's amplitudes can overfit (the Neyman-Scott bias of many nuisance parameters).
        var ll = (-0.5 * logDeterminant) - (0.5 * (theta[d] - _pooledNoClick) * (theta[d] - _pooledNoClick) * PriorPrecision);
        for (var a = 0; a < d; a++)
        {
            ll -= 0.5 * (((theta[a] - amplitudeMean) * (theta[a] - amplitudeMean) * amplitudePrecision) - Math.Log(amplitudePrecision));
        }

        for (var s = slateFrom; s < slateTo; s++)
        {
            var from = _slateStart[s];
            var to = _slateStart[s + 1];
            var (max, total) = Normaliser(theta, d, from, to, strength, fixedPart, rowStart);
            var logTotal = max + Math.Log(total);
            var chosen = theta[d];
            for (var r = from; r < to; r++)
            {
                var e = Eta(theta, r, strength[r - rowStart], fixedPart[r - rowStart]);
                if (_clicked[r])
                {
                    chosen = e;
                }

                if (rowProbability is not null)
                {
                    rowProbability[r] = Math.Exp(e - logTotal);
                }
            }

            ll += chosen - logTotal;
        }

        return ll;
    }

    /// <summary>
    /// The slate's softmax normaliser over its rows [from, to) and the no-click option theta[d]:
    /// the largest logit, and the sum of exp(logit - largest) (shifted so nothing overflows).
    /// </summary>
    private (double Max, double Total) Normaliser(double[] theta, int d, int from, int to, ReadOnlySpan<double> strength, ReadOnlySpan<double> fixedPart, int rowStart)
    {
        var max = theta[d];
        for (var r = from; r < to; r++)
        {
            max = Math.Max(max, Eta(theta, r, strength[r - rowStart], fixedPart[r - rowStart]));
        }

        var total = Math.Exp(theta[d] - max);
        for (var r = from; r < to; r++)
        {
            total += Math.Exp(Eta(theta, r, strength[r - rowStart], fixedPart[r - rowStart]) - max);
        }

        return (max, total);
    }

    /// <summary>An item's logit: A_g S_g + the part that does not depend on the amplitudes (gamma j + beta q).</summary>
    private double Eta(double[] theta, int row, double strength, double fixedPart) => (theta[_topic[row]] * strength) + fixedPart;

    /// <summary>Solves H x = g for a symmetric positive definite H (Cholesky; H is overwritten) and returns ln det H.</summary>
    private static double SolveSymmetric(double[] h, ReadOnlySpan<double> g, Span<double> x, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var sum = h[(j * n) + j];
            for (var k = 0; k < j; k++)
            {
                sum -= h[(j * n) + k] * h[(j * n) + k];
            }

            var diagonal = Math.Sqrt(Math.Max(sum, 1e-12));
            h[(j * n) + j] = diagonal;
            for (var i = j + 1; i < n; i++)
            {
                var s = h[(i * n) + j];
                for (var k = 0; k < j; k++)
                {
                    s -= h[(i * n) + k] * h[(j * n) + k];
                }

                h[(i * n) + j] = s / diagonal;
            }
        }

        for (var i = 0; i < n; i++)
        {
            var s = g[i];
            for (var k = 0; k < i; k++)
            {
                s -= h[(i * n) + k] * x[k];
            }

            x[i] = s / h[(i * n) + i];
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

    /// <summary>Pooled logit P(click) = a + gamma j by Newton's method: the position decay shared by every group.</summary>
    private static (double Intercept, double Gamma) PooledPositionModel(short[] position, bool[] clicked)
    {
        var maxPosition = position.Length > 0 ? position.Max() : 0;
        var shown = new double[maxPosition + 1];
        var clicks = new double[maxPosition + 1];
        for (var r = 0; r < position.Length; r++)
        {
            shown[position[r]]++;
            clicks[position[r]] += clicked[r] ? 1 : 0;
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

    public override RateBins Bin(CurveShape shape, double offset, double[] extra, double[] edges, double[]? logFactors = null) => throw new NotSupportedException();

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}
