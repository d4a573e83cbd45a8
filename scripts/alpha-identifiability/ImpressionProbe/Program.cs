using System.Globalization;
using Simulator.Core.Compute.Operators;
using Simulator.Core.Fitting;
using Simulator.Core.Statistics;

// Upper-bound probe for per-user forgetting speed on a one-seed `run --export` folder of an
// exponential scenario: ImpressionLikelihood's per-user speed factors given the TRUE population
// curve (half-life, baseline, reinforcement from the command line), so only the per-user factor is
// estimated, and their Spearman correlation with the users' true speed 1 / half-life in users.csv.
// Prints the golden-section MLE (what `simulator fit` reports) and a posterior mean over a log-factor
// grid under a normal prior of sd 0.9 (about the scenario's true spread), which orders users at the
// MLE's bounds. Writes the posterior means under the amplitude prior mean 0.5 to
// <export-dir>/impression_posterior.csv (user, log speed), which observable_ceiling.py adds to its summaries.
// Usage: ImpressionProbe <export-dir> [halfLife=4] [baseline=0.1] [reinforcement=0.6]
var run = args[0];
double Arg(int i, double fallback) => args.Length > i ? double.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
var halfLife = Arg(1, 4.0);
var baseline = Arg(2, 0.1);
var reinforcement = Arg(3, 0.6);

var topicOf = new Dictionary<int, int>();
foreach (var line in File.ReadLines(Path.Combine(run, "items.csv")).Skip(1))
{
    var p = line.Split(',');
    topicOf[int.Parse(p[1], CultureInfo.InvariantCulture)] = int.Parse(p[2], CultureInfo.InvariantCulture);
}

// users.csv ends with param1, param2, baseline, activity; earlier text fields may be quoted.
var trueSpeed = new Dictionary<int, double>();
foreach (var line in File.ReadLines(Path.Combine(run, "users.csv")).Skip(1))
{
    var p = line.Split(',');
    trueSpeed[int.Parse(p[1], CultureInfo.InvariantCulture)] = 1 / double.Parse(p[^4], CultureInfo.InvariantCulture);
}

var log = new InteractionLog { HasImpressions = true, Origin = 0 };
var historyOf = new Dictionary<int, int>();
foreach (var line in File.ReadLines(Path.Combine(run, "interactions.csv")).Skip(1))
{
    var p = line.Split(',');
    var user = int.Parse(p[3], CultureInfo.InvariantCulture);
    if (!historyOf.TryGetValue(user, out var history))
    {
        history = log.AddHistory(user);
        historyOf[user] = history;
    }

    log.Add(history, topicOf[int.Parse(p[5], CultureInfo.InvariantCulture)], int.Parse(p[2], CultureInfo.InvariantCulture), int.Parse(p[4], CultureInfo.InvariantCulture), p[7] == "1");
}

var likelihood = ImpressionLikelihood.Build(log);
var grid = Enumerable.Range(0, 17).Select(i => -2.4 + (0.3 * i)).ToArray();
foreach (var amplitudeMean in new[] { 0.25, 0.5, 1.0 })
{
    var fit = new FamilyFit(
        new CurveShape(ForgettingCurve.Exponential, halfLife, 0),
        baseline / (1 - baseline),
        [Math.Log(reinforcement / (1 - reinforcement)), amplitudeMean, Math.Log(0.5)],
        0,
        4,
        reinforcement);
    var speeds = ForgettingFitter.FitUsers(likelihood, fit);
    var truth = speeds.Select(s => trueSpeed[s.User]).ToArray();
    var posteriorMean = new double[speeds.Count];
    Parallel.For(0, speeds.Count, i =>
    {
        var logLikelihood = grid.Select(g => likelihood.OfUser(speeds[i].User, fit.Shape, g, fit.Offset, fit.Extra) - (g * g / (2 * 0.9 * 0.9))).ToArray();
        var top = logLikelihood.Max();
        var weights = logLikelihood.Select(v => Math.Exp(v - top)).ToArray();
        posteriorMean[i] = -grid.Zip(weights).Sum(t => t.First * t.Second) / weights.Sum();
    });
    if (amplitudeMean == 0.5)
    {
        File.WriteAllLines(
            Path.Combine(run, "impression_posterior.csv"),
            ["user,log_speed", .. speeds.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"{s.User},{posteriorMean[i]}"))]);
    }

    var mle = ParameterRecovery.Spearman(truth, speeds.Select(s => -s.LogFactor).ToArray());
    var posterior = ParameterRecovery.Spearman(truth, posteriorMean);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"amplitude prior mean {amplitudeMean}, sd 0.5: users {speeds.Count}, MLE at bound {speeds.Count(s => s.AtBound)}, Spearman MLE {mle:F3}, posterior mean {posterior:F3}"));
}
