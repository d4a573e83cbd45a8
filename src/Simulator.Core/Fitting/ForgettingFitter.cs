using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Fitting;

/// <summary>
/// One curve family fitted to the whole population by maximum likelihood. Offset is the baseline
/// offset o = b / (1 - b), NaN when the likelihood does not estimate it; Reinforcement is the
/// fitted eta of the reinforcement rule, NaN when the likelihood does not estimate it.
/// </summary>
public sealed record FamilyFit(CurveShape Shape, double Offset, double[] Extra, double LogLikelihood, int Parameters, double Reinforcement = double.NaN)
{
    /// <summary>Akaike information criterion 2k - 2 ln L: lower is better.</summary>
    public double Aic => (2.0 * Parameters) - (2.0 * LogLikelihood);

    /// <summary>The baseline b that the offset o = b / (1 - b) stands for.</summary>
    public double Baseline => double.IsNaN(Offset) ? double.NaN : Offset / (1 + Offset);

    /// <summary>
    /// True for a sigmoid whose midpoint is below its width: it has no plateau, only a decay whose
    /// rate rises from at least 27% of its final value (sigma(-m/w) at dt = 0) to the full rate.
    /// That shape is close enough to an exponential that a mis-specified nuisance (the amplitude
    /// prior, the spread of user speeds) makes it win on exponential data; every sigmoid win on
    /// exponential exports measured so far had one (docs/fit-diagnosis.md), the sigmoid
    /// fixture's fit does not (midpoint 7.1, width 2.3).
    /// </summary>
    public bool IsSigmoidWithoutPlateau => Shape.Curve == ForgettingCurve.Sigmoid && Shape.P1 < Shape.P2;
}

/// <summary>
/// A user's forgetting speed relative to the population curve: the curve's time scale times
/// e^LogFactor, the same log-normal scaling the simulator applies per user.
/// </summary>
public sealed record UserSpeed(int User, int Events, double LogFactor, double StandardError)
{
    /// <summary>True when the estimate sits on the search bound (too little data to say more).</summary>
    public bool AtBound => Math.Abs(LogFactor) >= ForgettingFitter.LogFactorBound - 1e-3;
}

/// <summary>The whole fit: every family, the chosen one, per-user speeds and the population spread.</summary>
public sealed record ForgettingFit(
    string LikelihoodKind,
    IReadOnlyList<FamilyFit> Families,
    FamilyFit Best,
    IReadOnlyList<UserSpeed> Users,
    double Heterogeneity,
    CurveShape MedianUserCurve)
{
    /// <summary>Whether the log pins down the chosen curve's time scale (<see cref="ForgettingFitter.CheckTimeScale"/>); null when not checked.</summary>
    public TimeScaleCheck? TimeScale { get; init; }
}

/// <summary>
/// How much worse the log finds the chosen curve made <see cref="Factor"/> times faster or slower,
/// every other population parameter (baseline, reinforcement, amplitude prior, quality) re-fitted:
/// log-likelihood drops from the best fit. A drop under <see cref="Threshold"/> (half the 95% point
/// of chi-square with one degree of freedom) means that time scale lies inside the 95% profile
/// interval, so the data do not tell a curve from one twice as fast or slow.
/// </summary>
public sealed record TimeScaleCheck(double Factor, double DropFaster, double DropSlower)
{
    public const double Threshold = 1.92;

    public bool Identified => DropFaster >= Threshold && DropSlower >= Threshold;
}

/// <summary>Where a fit is: its stage, the likelihood evaluations made in that stage and the best log-likelihood met in it.</summary>
public sealed record FitProgress(string Stage, int Evaluations, double LogLikelihood);

/// <summary>
/// Maximum-likelihood fitting of the three forgetting families (Nelder-Mead from MathNet on
/// log-parameters, started from the best point of a coarse grid), model choice by AIC, then one
/// speed factor per user by golden-section search with the population's other parameters held.
/// </summary>
public static class ForgettingFitter
{
    /// <summary>Per-user log speed factors are searched in [-bound, bound] (a factor of e^3 = 20 either way).</summary>
    public const double LogFactorBound = 3.0;

    /// <summary>Users with fewer engagements than this get no speed estimate.</summary>
    public const int MinUserEvents = 3;

    /// <summary>Nelder-Mead stops when the simplex's log-likelihoods agree to this relative tolerance.</summary>
    public const double ConvergenceTolerance = 1e-7;

    /// <summary>Nelder-Mead iteration cap; a fit that reaches it keeps the best point the simplex met.</summary>
    public const int MaxIterations = 1500;

    /// <summary>
    /// Fits every family, chooses one, then per-user speeds, the spread of speeds and the
    /// time-scale check. Progress goes to <paramref name="progress"/>; the likelihood's parallel
    /// options carry the cancellation token (every loop over users checks it).
    /// </summary>
    public static ForgettingFit Fit(ForgettingLikelihood likelihood, IReadOnlyList<ForgettingCurve>? families = null, IProgress<FitProgress>? progress = null)
    {
        families ??= [ForgettingCurve.Exponential, ForgettingCurve.Sigmoid, ForgettingCurve.PowerLaw];
        var fits = families.Select(f => FitFamily(likelihood, f, progress: progress)).ToArray();
        var best = Choose(fits);
        progress?.Report(new FitProgress("per-user speeds", 0, best.LogLikelihood));
        var users = FitUsers(likelihood, best);
        progress?.Report(new FitProgress("spread of speeds", 0, best.LogLikelihood));
        var heterogeneity = FitHeterogeneity(likelihood, best);
        progress?.Report(new FitProgress("time-scale check", 0, best.LogLikelihood));
        var timeScale = CheckTimeScale(likelihood, best);
        progress?.Report(new FitProgress("done", 0, best.LogLikelihood));

        // The population fit is the median user's curve: the simulator scales speeds log-normally
        // around it. The median of the per-user estimates is not used: each is a maximum
        // likelihood estimate from a few dozen clicks and leans fast (measured 10-20% short on
        // exports whose pooled fit was within 10%), which shrinking by the fitted spread corrects
        // only partly.
        return new ForgettingFit(likelihood.Kind, fits, best, users, heterogeneity, best.Shape) { TimeScale = timeScale };
    }

    /// <summary>Families whose AIC is within this of the lowest are taken as equally supported (Burnham and Anderson's rule of thumb).</summary>
    public const double AicEquivalence = 2.0;

    /// <summary>
    /// The chosen family: the fewest parameters among those within <see cref="AicEquivalence"/> of
    /// the lowest AIC, then the lowest AIC. Why not the lowest AIC alone: a sigmoid whose midpoint
    /// is below its width is nearly an exponential, so on exponential data it can win by a
    /// fraction of a unit (0.9 on the exponential fixture once item quality was modelled), a
    /// difference AIC does not resolve.
    /// </summary>
    public static FamilyFit Choose(IReadOnlyList<FamilyFit> fits)
    {
        var lowest = fits.Min(f => f.Aic);
        return fits.Where(f => f.Aic <= lowest + AicEquivalence).OrderBy(f => f.Parameters).ThenBy(f => f.Aic).First();
    }

    /// <summary>Time-scale factor of <see cref="CheckTimeScale"/>: a curve twice as fast or twice as slow.</summary>
    public const double TimeScaleFactor = 2.0;

    /// <summary>
    /// Profile-likelihood check of the fitted curve's time scale: the curve is scaled by
    /// 1 / <paramref name="factor"/> and by <paramref name="factor"/> (as a user's speed factor
    /// scales it), the other parameters re-fitted by Nelder-Mead from the best fit's values, and the
    /// log-likelihood drops returned. Why: when what was shown depends on what was clicked (targeted
    /// slates), nearly every impression is of a topic clicked a tick or two before and slates are
    /// nearly all one topic, so the click rate says almost nothing about later strength and the
    /// maximum wanders (half-life 78 with baseline 0.79 on an mlp-forgetting export whose truth is 4).
    /// A re-fit stops as soon as its drop falls under the threshold, as the answer is then known
    /// (such a drop is the first value met under it, not the profile's minimum).
    /// A short re-fit can only under-maximise, so the drops are upper bounds: the check errs
    /// towards calling a curve identified, never the other way. On a log with more than twice
    /// <paramref name="searchUsers"/> users each re-fit first walks on a subsample of them, as
    /// <see cref="FitFamily"/> does.
    /// </summary>
    public static TimeScaleCheck CheckTimeScale(ForgettingLikelihood likelihood, FamilyFit fit, double factor = TimeScaleFactor, int searchUsers = SearchUsers)
    {
        var searchStride = Math.Max(1, likelihood.Users / searchUsers);
        double Drop(double scale)
        {
            var shape = fit.Shape.Scaled(scale);
            var start = new List<double>();
            if (likelihood.HasOffset)
            {
                start.Add(Math.Log(fit.Offset));
            }

            start.AddRange(fit.Extra);
            var best = double.NegativeInfinity;
            double Value(double[] v, int userStride)
            {
                var offset = likelihood.HasOffset ? Math.Exp(v[0]) : double.NaN;
                var extra = likelihood.HasOffset ? v[1..] : v;
                if ((likelihood.HasOffset && (v[0] < -12 || v[0] > 4)) || extra.Any(e => Math.Abs(e) > 50))
                {
                    return -1e300;
                }

                var ll = likelihood.Total(shape, offset, extra, null, userStride);
                ll = double.IsFinite(ll) ? ll : -1e300;
                if (userStride > 1)
                {
                    return ll;
                }

                best = Math.Max(best, ll);
                if (fit.LogLikelihood - best < TimeScaleCheck.Threshold)
                {
                    // Inside the 95% interval already: the answer (not identified) is known.
                    throw new InsideInterval();
                }

                return ll;
            }

            try
            {
                if (start.Count == 0)
                {
                    Value([], 1);
                    return fit.LogLikelihood - best;
                }

                Value([.. start], 1);
                var x0 = Vector<double>.Build.DenseOfArray([.. start]);
                var step = TimeScaleStep;
                if (searchStride > 1)
                {
                    // Coarse to fine, as in FitFamily: the re-fit walks on a subsample of users first.
                    var coarse = BestPointOf(v => Value(v, searchStride), [.. start], TimeScaleStep, 1e-6, TimeScaleIterations);
                    x0 = Vector<double>.Build.DenseOfArray(coarse);
                    Value(coarse, 1);
                    step = FineStep;
                }

                NelderMeadSimplex.Minimum(ObjectiveFunction.Value(v => -Value(v.AsArray() ?? v.ToArray(), 1)), x0, Vector<double>.Build.Dense(x0.Count, step), 1e-6, TimeScaleIterations);
            }
            catch (MaximumIterationsException)
            {
                // The best value met is kept: an upper bound of the profile drop either way.
            }
            catch (InsideInterval)
            {
                // Stopped as soon as the drop fell under the threshold.
            }

            return fit.LogLikelihood - best;
        }

        return new TimeScaleCheck(factor, Drop(1 / factor), Drop(factor));
    }

    /// <summary>Stops a time-scale re-fit once its drop is inside the interval (the check's answer is then known).</summary>
    private sealed class InsideInterval : Exception;

    /// <summary>Nelder-Mead iteration cap of each re-fit of <see cref="CheckTimeScale"/> (started at the best fit's values).</summary>
    public const int TimeScaleIterations = 200;

    /// <summary>Initial simplex size of a re-fit of <see cref="CheckTimeScale"/> from the best fit's values.</summary>
    public const double TimeScaleStep = 0.2;

    /// <summary>
    /// Fits one family: grid start, then Nelder-Mead on (log p1, [log p2], log offset, extras),
    /// on a log with more than twice <paramref name="searchUsers"/> users first on a subsample of
    /// them and then on all from the subsample's optimum.
    /// The result is the best point evaluated on every user, so a simplex stopped by
    /// <paramref name="maxIterations"/> still reports the furthest it got rather than its start.
    /// </summary>
    public static FamilyFit FitFamily(ForgettingLikelihood likelihood, ForgettingCurve curve, int maxIterations = MaxIterations, IProgress<FitProgress>? progress = null, int searchUsers = SearchUsers)
    {
        var shapeCount = CurveShape.ShapeParameters(curve);
        var scale = likelihood.TypicalTime;
        var extra = likelihood.InitialExtra;
        var best = default(double[]);
        var bestValue = double.NegativeInfinity;
        var evaluations = 0;
        var searchStride = Math.Max(1, likelihood.Users / searchUsers);
        var stage = searchStride > 1 ? $"fitting {CurveName(curve)} on 1 user in {searchStride}" : $"fitting {CurveName(curve)}";
        progress?.Report(new FitProgress(stage, 0, double.NaN));
        double Track(double[] v)
        {
            var value = Evaluate(likelihood, curve, v, scale);
            evaluations++;
            if (value > bestValue)
            {
                bestValue = value;
                best = (double[])v.Clone();
            }

            progress?.Report(new FitProgress(stage, evaluations, bestValue));
            return value;
        }

        // The grid start is picked on a subsample of users when the log has many (every
        // stride-th user, at least GridUsers of them): it only chooses where Nelder-Mead starts,
        // and each grid point is a cold start of every history's nuisance solve.
        var stride = Math.Max(1, likelihood.Users / GridUsers);
        var gridBest = double.NegativeInfinity;
        foreach (var p1 in new[] { 0.25, 0.5, 1, 2, 4, 8, 16 })
        {
            foreach (var p2 in SecondParameterGrid(curve, p1 * scale))
            {
                foreach (var offset in likelihood.HasOffset ? new[] { 0.02, 0.2 } : [double.NaN])
                {
                    var v = Pack(curve, p1 * scale, p2, offset, extra);
                    if (stride == 1)
                    {
                        Track(v);
                        continue;
                    }

                    var value = Evaluate(likelihood, curve, v, scale, stride);
                    evaluations++;
                    progress?.Report(new FitProgress(stage, evaluations, double.NaN));
                    if (value > gridBest)
                    {
                        gridBest = value;
                        best = v;
                    }
                }
            }
        }

        // Coarse to fine: on a log with many users, Nelder-Mead first walks from the grid start on a
        // subsample (every searchStride-th user), where an evaluation costs a fraction of a full one,
        // and the search on every user then starts from the subsample's optimum with a smaller
        // simplex: it only has to move by the subsample's sampling error.
        var firstStep = CoarseStep;
        if (searchStride > 1)
        {
            var coarseBest = double.NegativeInfinity;
            var coarse = BestPointOf(
                v =>
                {
                    var value = Evaluate(likelihood, curve, v, scale, searchStride);
                    evaluations++;
                    coarseBest = Math.Max(coarseBest, value);
                    progress?.Report(new FitProgress(stage, evaluations, coarseBest));
                    return value;
                },
                best!,
                CoarseStep,
                ConvergenceTolerance,
                maxIterations);
            best = coarse;
            firstStep = FineStep;
            stage = $"fitting {CurveName(curve)}";
            evaluations = 0;
        }

        if (stride > 1 || searchStride > 1)
        {
            Track(best!);
        }

        var x0 = Vector<double>.Build.DenseOfArray(best!);
        var step = Vector<double>.Build.Dense(x0.Count, firstStep);
        var objective = ObjectiveFunction.Value(v => -Track(v.AsArray() ?? v.ToArray()));
        try
        {
            NelderMeadSimplex.Minimum(objective, x0, step, ConvergenceTolerance, maxIterations);
        }
        catch (MaximumIterationsException)
        {
            // The best point met so far is kept below; its likelihood is reported as it is.
        }

        var (shape, bestOffset, bestExtra) = Unpack(curve, best!, likelihood.HasOffset);
        return new FamilyFit(shape, bestOffset, bestExtra, bestValue, shapeCount + (likelihood.HasOffset ? 1 : 0) + likelihood.ExtraParameters, likelihood.ReinforcementOf(bestExtra));
    }

    /// <summary>Each user's log speed factor (golden section on its own groups) and its standard error from the curvature.</summary>
    public static IReadOnlyList<UserSpeed> FitUsers(ForgettingLikelihood likelihood, FamilyFit fit)
    {
        var result = new UserSpeed?[likelihood.Users];
        Parallel.For(0, likelihood.Users, likelihood.Parallel, u =>
        {
            var events = likelihood.EventsOfUser(u);
            if (events < MinUserEvents)
            {
                return;
            }

            double F(double logFactor) => likelihood.OfUser(u, fit.Shape, logFactor, fit.Offset, fit.Extra);
            var best = GoldenSectionMaximum(F, -LogFactorBound, LogFactorBound);
            const double h = 0.05;
            var centre = Math.Clamp(best, -LogFactorBound + h, LogFactorBound - h);
            var curvature = (F(centre + h) - (2 * F(centre)) + F(centre - h)) / (h * h);
            var se = curvature < 0 ? Math.Sqrt(-1 / curvature) : double.PositiveInfinity;
            result[u] = new UserSpeed(u, events, best, se);
        });
        return result.Where(r => r is not null).Select(r => r!).ToArray();
    }

    /// <summary>Smallest and largest log-sd of per-user speed that <see cref="FitHeterogeneity"/> considers.</summary>
    public const double MinHeterogeneity = 0.02;

    /// <inheritdoc cref="MinHeterogeneity"/>
    public const double MaxHeterogeneity = 3.0;

    /// <summary>
    /// The log-sd of per-user speed around a family's fitted curve by maximum marginal likelihood:
    /// golden section on ln sigma of <see cref="ForgettingLikelihood.IntegratedTotal"/>, each user's
    /// speed integrated out under N(0, sigma^2) with the family's other parameters held. Why not the
    /// spread of the per-user estimates minus their mean squared standard error (the former
    /// estimate): each user's estimate comes from a few dozen clicks, its likelihood in the speed is
    /// far from normal and often flat on one side, so that difference measured 0.11 and 0.62 for a
    /// true 0.5, and a calibrated scenario with the wrong spread reproduces the gaps only barely.
    /// </summary>
    public static double FitHeterogeneity(ForgettingLikelihood likelihood, FamilyFit fit)
    {
        likelihood.ResetSpeedNodes();
        double MarginalLogLikelihood(double logSigma)
        {
            var sigma = Math.Exp(logSigma);

            // Two passes move each user's quadrature nodes onto its posterior at this sigma; the
            // value is read from the third, so it depends little on where the nodes came from.
            likelihood.IntegratedTotal(fit.Shape, fit.Offset, fit.Extra, sigma, moveNodes: true);
            likelihood.IntegratedTotal(fit.Shape, fit.Offset, fit.Extra, sigma, moveNodes: true);
            return likelihood.IntegratedTotal(fit.Shape, fit.Offset, fit.Extra, sigma);
        }

        return Math.Exp(GoldenSectionMaximum(MarginalLogLikelihood, Math.Log(MinHeterogeneity), Math.Log(MaxHeterogeneity), 0.02));
    }

    /// <summary>
    /// Empirical-Bayes estimate of a user's log speed factor: the raw estimate times
    /// tau^2 / (tau^2 + se^2), with tau the population spread; 0 (the population curve) without spread.
    /// </summary>
    public static double Shrunk(UserSpeed user, double heterogeneity)
    {
        var tau2 = heterogeneity * heterogeneity;
        var se2 = user.StandardError * user.StandardError;
        return tau2 + se2 > 0 && double.IsFinite(se2) ? user.LogFactor * tau2 / (tau2 + se2) : 0;
    }

    /// <summary>Golden-section search for the maximum of a unimodal function on [lo, hi].</summary>
    public static double GoldenSectionMaximum(Func<double, double> f, double lo, double hi, double tolerance = 1e-4)
    {
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var a = lo;
        var b = hi;
        var c = b - (ratio * (b - a));
        var d = a + (ratio * (b - a));
        var fc = f(c);
        var fd = f(d);
        while (b - a > tolerance)
        {
            if (fc > fd)
            {
                b = d;
                d = c;
                fd = fc;
                c = b - (ratio * (b - a));
                fc = f(c);
            }
            else
            {
                a = c;
                c = d;
                fc = fd;
                d = a + (ratio * (b - a));
                fd = f(d);
            }
        }

        // The ends are candidates too: a monotone likelihood belongs on the bound.
        var mid = (a + b) / 2;
        var candidates = new[] { (mid, f(mid)), (lo, f(lo)), (hi, f(hi)) };
        return candidates.MaxBy(x => x.Item2).Item1;
    }

    /// <summary>The family's name as scenarios and the summary spell it.</summary>
    public static string CurveName(ForgettingCurve curve) => curve switch
    {
        ForgettingCurve.Exponential => "exponential",
        ForgettingCurve.Sigmoid => "sigmoid",
        _ => "power-law",
    };

    private static IEnumerable<double> SecondParameterGrid(ForgettingCurve curve, double p1) => curve switch
    {
        ForgettingCurve.Exponential => [0],
        ForgettingCurve.Sigmoid => [p1 / 8, p1 / 3, p1],
        _ => [0.5, 1, 2, 4],
    };

    private static double[] Pack(ForgettingCurve curve, double p1, double p2, double offset, double[] extra)
    {
        var v = new List<double> { Math.Log(p1) };
        if (CurveShape.ShapeParameters(curve) == 2)
        {
            v.Add(Math.Log(p2));
        }

        if (!double.IsNaN(offset))
        {
            v.Add(Math.Log(offset));
        }

        v.AddRange(extra);
        return [.. v];
    }

    private static (CurveShape Shape, double Offset, double[] Extra) Unpack(ForgettingCurve curve, double[] v, bool hasOffset)
    {
        var twoShape = CurveShape.ShapeParameters(curve) == 2;
        var p1 = Math.Exp(v[0]);
        var p2 = twoShape ? Math.Exp(v[1]) : 0;
        var at = twoShape ? 2 : 1;
        return hasOffset
            ? (new CurveShape(curve, p1, p2), Math.Exp(v[at]), v[(at + 1)..])
            : (new CurveShape(curve, p1, p2), double.NaN, v[at..]);
    }

    /// <summary>
    /// Users the coarse Nelder-Mead search of <see cref="FitFamily"/> runs on, at least, before the
    /// search on every user (every Users / SearchUsers-th user; no coarse search below twice this).
    /// </summary>
    public const int SearchUsers = 500;

    /// <summary>Initial simplex size (in log-parameters) of a search from the grid start.</summary>
    public const double CoarseStep = 0.3;

    /// <summary>Initial simplex size of the search on every user when it starts from the coarse search's optimum.</summary>
    public const double FineStep = 0.1;

    /// <summary>
    /// The best point Nelder-Mead meets maximising <paramref name="value"/> from
    /// <paramref name="start"/> (the start itself when nothing beats it), whether it converged or
    /// reached <paramref name="maxIterations"/>.
    /// </summary>
    private static double[] BestPointOf(Func<double[], double> value, double[] start, double step, double tolerance, int maxIterations)
    {
        var best = start;
        var bestValue = double.NegativeInfinity;
        try
        {
            NelderMeadSimplex.Minimum(
                ObjectiveFunction.Value(v =>
                {
                    var point = v.AsArray() ?? v.ToArray();
                    var y = value(point);
                    if (y > bestValue)
                    {
                        bestValue = y;
                        best = (double[])point.Clone();
                    }

                    return -y;
                }),
                Vector<double>.Build.DenseOfArray(start),
                Vector<double>.Build.Dense(start.Length, step),
                tolerance,
                maxIterations);
        }
        catch (MaximumIterationsException)
        {
            // The best point met so far is a start like any other.
        }

        return best;
    }

    /// <summary>Users whose groups the grid start is evaluated on, at least, when the log has more (every Users / GridUsers-th user).</summary>
    public const int GridUsers = 256;

    /// <summary>Log-likelihood at a packed point; minus infinity outside the plausible box (keeps the simplex out of overflow).</summary>
    private static double Evaluate(ForgettingLikelihood likelihood, ForgettingCurve curve, double[] v, double scale, int userStride = 1)
    {
        var twoShape = CurveShape.ShapeParameters(curve) == 2;
        var at = twoShape ? 2 : 1;
        if (v[0] < Math.Log(scale * 1e-3) || v[0] > Math.Log(scale * 1e3) || (twoShape && Math.Abs(v[1] - (curve == ForgettingCurve.Sigmoid ? v[0] : 0)) > 7)
            || (likelihood.HasOffset && (v[at] < -12 || v[at] > 4)) || v.Skip(at + (likelihood.HasOffset ? 1 : 0)).Any(e => Math.Abs(e) > 50))
        {
            return -1e300;
        }

        var (shape, offset, extra) = Unpack(curve, v, likelihood.HasOffset);
        var ll = likelihood.Total(shape, offset, extra, null, userStride);
        return double.IsFinite(ll) ? ll : -1e300;
    }
}
