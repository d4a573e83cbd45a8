using System.Globalization;
using Simulator.Core.Compute;
using Simulator.Core.Metrics;
using Simulator.Core.Simulation;
using Simulator.Core.Statistics;
using Simulator.Core.World;
using Simulator.Storage.Export;
using Simulator.Tests.Support;

namespace Simulator.Tests.Storage.Export;

/// <summary>
/// The exported dataset against the run's own metrics and ground truth: the bar of issue 3 (mean
/// true_prob = expected_ctr, click rate within sampling error) and the users/items truth columns.
/// </summary>
public sealed class DatasetExportTests
{
    /// <summary>
    /// true_prob is the engine's float probability and expected_ctr the scorer's double
    /// recomputation of the same formula; a slate's k float roundings stay far below this.
    /// </summary>
    private const double FloatVsDouble = 1e-6;

    private const int Seed = 0;
    private const int Strategy = 1;
    private const int Tick = 2;
    private const int User = 3;
    private const int Position = 4;
    private const int Item = 5;
    private const int TrueProb = 6;
    private const int Clicked = 7;
    private const int Dwell = 8;

    [Fact]
    public void Each_ticks_mean_true_prob_and_click_rate_are_that_ticks_expected_and_realised_ctr()
    {
        var run = ExportRun.Of(TestScenarios.Small());
        var result = run.Result;
        Assert.Equal(DatasetFiles.InteractionsHeader, string.Join(',', run.Interactions[0]));
        var expected = result.MetricIndex(MetricCatalog.ExpectedCtr);
        var realised = result.MetricIndex(MetricCatalog.RealisedCtr);
        var groups = run.Interactions.Skip(1)
            .GroupBy(r => (Seed: r[Seed], Strategy: r[Strategy], Tick: int.Parse(r[Tick], CultureInfo.InvariantCulture)))
            .ToDictionary(g => g.Key, g => g.ToList());
        for (var s = 0; s < result.Seeds.Count; s++)
        {
            for (var w = 0; w < result.Strategies.Count; w++)
            {
                var perTick = new double[result.Ticks];
                for (var t = 0; t < result.Ticks; t++)
                {
                    var rows = groups[(result.Seeds[s].ToString(CultureInfo.InvariantCulture), result.Strategies[w], t)];
                    var meanProb = rows.Average(r => ExportRun.Number(r[TrueProb]));
                    var clickRate = rows.Average(r => ExportRun.Number(r[Clicked]));
                    Assert.Equal(result.Series[w, s, t, expected], meanProb, FloatVsDouble);
                    Assert.Equal(result.Series[w, s, t, realised], clickRate, 12);
                    perTick[t] = meanProb;
                }

                // The reported summary is each seed's time average; rebuilt from the export, it agrees.
                var reported = Summaries.TimeAverage(result.Series, w, s, expected);
                Assert.Equal(reported, perTick.Average(), FloatVsDouble);
            }
        }

        Assert.Equal(groups.Count, result.Seeds.Count * result.Strategies.Count * result.Ticks);
    }

    [Fact]
    public void With_every_user_active_the_pooled_mean_true_prob_is_the_reported_expected_ctr_and_the_click_rate_is_within_sampling_error()
    {
        var run = ExportRun.Of(TestScenarios.Small(json => json.Replace("\"activity\": 0.9", "\"activity\": 1", StringComparison.Ordinal)));
        var result = run.Result;
        foreach (var strategy in result.Strategies)
        {
            var rows = run.Interactions.Skip(1).Where(r => r[Strategy] == strategy).ToList();
            Assert.Equal(result.Users * result.Ticks * result.Seeds.Count * result.SlateSize, rows.Count);
            var meanProb = rows.Average(r => ExportRun.Number(r[TrueProb]));
            Assert.Equal(result.Summary[strategy][MetricCatalog.ExpectedCtr].Mean, meanProb, FloatVsDouble);

            // Each slate gets at most one click, with probability p = its rows' summed true_prob,
            // independently across slates (keyed noise): Var(clicks) = sum p (1 - p).
            var variance = rows
                .GroupBy(r => (r[Seed], r[Tick], r[User]))
                .Select(g => g.Sum(r => ExportRun.Number(r[TrueProb])))
                .Sum(p => p * (1 - p));
            var standardError = Math.Sqrt(variance) / rows.Count;
            var clickRate = rows.Average(r => ExportRun.Number(r[Clicked]));
            Assert.True(standardError > 0);
            Assert.True(
                Math.Abs(clickRate - meanProb) < 4 * standardError,
                $"{strategy}: click rate {clickRate} vs mean true_prob {meanProb}, 4 standard errors = {4 * standardError}");
        }
    }

    [Fact]
    public void Rows_cover_each_active_users_slate_once_with_at_most_one_click_and_dwell_only_on_it()
    {
        var run = ExportRun.Of(TestScenarios.Small());
        var k = run.Result.SlateSize;
        foreach (var slate in run.Interactions.Skip(1).GroupBy(r => (r[Seed], r[Strategy], r[Tick], r[User])))
        {
            var rows = slate.ToList();
            Assert.Equal(Enumerable.Range(0, k).Select(j => j.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r[Position]));
            Assert.Equal(k, rows.Select(r => r[Item]).Distinct().Count());
            Assert.True(rows.Count(r => r[Clicked] == "1") <= 1);
            Assert.All(rows, r => Assert.Equal(r[Clicked] == "1", ExportRun.Number(r[Dwell]) > 0));
            Assert.All(rows, r => Assert.InRange(ExportRun.Number(r[TrueProb]), 0.0, 1.0));
            Assert.InRange(rows.Sum(r => ExportRun.Number(r[TrueProb])), 0.0, 1.0 + 1e-6);
        }

        // Inactive users (activity 0.9) have no rows: some (seed, strategy, tick) holds fewer than all users.
        var slatesPerTick = run.Interactions.Skip(1).GroupBy(r => (r[Seed], r[Strategy], r[Tick])).Select(g => g.Count() / k);
        Assert.Contains(slatesPerTick, n => n < run.Result.Users);
    }

    [Fact]
    public void Users_csv_holds_each_seeds_profiles_and_the_populations_true_forgetting_parameters()
    {
        var scenario = TestScenarios.Small();
        var run = ExportRun.Of(scenario);
        Assert.Equal(DatasetFiles.UsersHeader, string.Join(',', run.Users[0]));
        Assert.Equal(1 + (scenario.SeedCount * scenario.Population.Users), run.Users.Count);
        using var engine = new CpuEngine(1);
        foreach (var seed in scenario.Seeds)
        {
            using var population = new Population(engine, scenario, seed, new ParallelOptions());
            var rows = run.Users.Skip(1).Where(r => r[0] == seed.ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(population.Users, rows.Count);
            for (var u = 0; u < population.Users; u++)
            {
                var row = rows[u];
                var profile = UserProfiles.For(seed, u, population.SegmentOf(u));
                Assert.Equal(u.ToString(CultureInfo.InvariantCulture), row[1]);
                Assert.Equal([profile.Name, profile.Locale, profile.Segment], row[2..5]);
                Assert.Equal("sigmoid", row[5]);
                Assert.Equal(population.CurveP1.Host[u], ExportRun.Single(row[6]));
                Assert.Equal(population.CurveP2.Host[u], ExportRun.Single(row[7]));
                Assert.Equal(scenario.Forgetting.Baseline, ExportRun.Single(row[8]));
                Assert.Equal(population.ActivityRate[u], ExportRun.Single(row[9]));
            }

            // Heterogeneous users: the parameters really vary, so the check above is not vacuous.
            Assert.True(rows.Select(r => r[6]).Distinct().Count() > population.Users / 2);
        }
    }

    [Fact]
    public void Items_csv_holds_each_seeds_catalog_topics_quality_and_embeddings()
    {
        var scenario = TestScenarios.Small();
        var run = ExportRun.Of(scenario);
        var d = scenario.Dim;
        Assert.Equal(DatasetFiles.ItemsHeader(d), string.Join(',', run.Items[0]));
        Assert.Equal("e0", run.Items[0][4]);
        Assert.Equal($"e{d - 1}", run.Items[0][^1]);
        using var engine = new CpuEngine(1);
        foreach (var seed in scenario.Seeds)
        {
            using var catalog = new Catalog(engine, scenario.Catalog, scenario.Dim, seed);
            var rows = run.Items.Skip(1).Where(r => r[0] == seed.ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(catalog.Count, rows.Count);
            for (var i = 0; i < catalog.Count; i++)
            {
                Assert.Equal(i, int.Parse(rows[i][1], CultureInfo.InvariantCulture));
                Assert.Equal(catalog.Topic.Host[i], int.Parse(rows[i][2], CultureInfo.InvariantCulture));
                Assert.Equal(catalog.Quality.Host[i], ExportRun.Single(rows[i][3]));
                Assert.Equal(4 + d, rows[i].Length);
                for (var h = 0; h < d; h++)
                {
                    // Round-trip formatting: the exported weights are the catalog's floats, bit for bit.
                    Assert.Equal(catalog.Items.Host[(i * d) + h], ExportRun.Single(rows[i][4 + h]));
                }
            }
        }
    }

    [Fact]
    public void Export_bytes_do_not_depend_on_the_thread_count()
    {
        var one = ExportRun.Of(TestScenarios.Small(), threads: 1);
        var two = ExportRun.Of(TestScenarios.Small(), threads: 2);
        Assert.Equal(one.InteractionsText, two.InteractionsText);
        Assert.Equal(one.UsersText, two.UsersText);
        Assert.Equal(one.ItemsText, two.ItemsText);
    }
}
