using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Simulator.Core.Results;
using Simulator.Reporting.Figures;

namespace Simulator.Reporting;

/// <summary>
/// One self-contained HTML file: inline CSS, PNG figures as base64 data URIs, no script and no
/// external URL, so it opens offline and can be mailed or archived as a single file.
/// </summary>
public static class HtmlReport
{
    internal const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.45}
        h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
        table{border-collapse:collapse;margin:.5rem 0;display:block;max-width:100%;overflow-x:auto}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right;font-variant-numeric:tabular-nums}
        th:first-child,td:first-child{text-align:left}thead th{background:#f3f3f3}
        td.best{background:#e3f2e1;font-weight:bold}
        .swatch{display:inline-block;margin-right:.4em;vertical-align:middle}
        dl.kv{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dl.kv dt{font-weight:bold}dl.kv dd{margin:0}
        figure{margin:1.5rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:.92rem}
        pre{background:#f7f7f7;padding:.8rem;overflow:auto;font-size:.85rem}.note{color:#555;font-size:.92rem}
        """;

    /// <summary>Renders the report. Every run-supplied string is HTML-escaped.</summary>
    public static string Render(RunResult run, IReadOnlyList<RenderedFigure> figures)
    {
        var sb = new StringBuilder(1 << 16);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E("Simulation report: " + run.ScenarioName)).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E("Simulation report: " + run.ScenarioName)).Append("</h1>\n");

        AppendScenario(sb, run);
        AppendSummary(sb, run);
        AppendFigures(sb, figures);
        AppendScenarioJson(sb, run);
        AppendEnvironment(sb, run.Environment);
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void AppendScenario(StringBuilder sb, RunResult run)
    {
        sb.Append("<h2>Scenario</h2>\n<dl class=\"kv\">\n");
        Kv(sb, "name", run.ScenarioName);
        Kv(sb, "users", Invariant(run.Users));
        Kv(sb, "items", Invariant(run.Items));
        Kv(sb, "dimension", Invariant(run.Dim));
        Kv(sb, "slate size", Invariant(run.SlateSize));
        Kv(sb, "ticks", Invariant(run.Ticks));
        Kv(sb, "seeds", $"{run.Seeds.Count} ({string.Join(", ", run.Seeds.Select(s => s.ToString(CultureInfo.InvariantCulture)))})");
        Kv(sb, "drift events at ticks", run.DriftEventTicks.Count == 0
            ? "none"
            : string.Join(", ", run.DriftEventTicks.Select(t => t.ToString(CultureInfo.InvariantCulture))));
        sb.Append("<dt>strategies</dt><dd>");
        for (var s = 0; s < run.Strategies.Count; s++)
        {
            sb.Append(s > 0 ? ", " : string.Empty)
                .Append(StrategyPalette.SwatchHtml(s))
                .Append(E(run.Strategies[s]));
        }

        sb.Append("</dd>\n</dl>\n");
    }

    /// <summary>Metric columns per summary table: six keep a table inside the page's width, so no column is clipped.</summary>
    internal const int MetricsPerTable = 6;

    private static void AppendSummary(StringBuilder sb, RunResult run)
    {
        sb.Append("<h2>Summary</h2>\n");
        var best = run.Metrics.Select(m => SummaryCells.Best(run, m)).ToArray();
        for (var first = 0; first < run.Metrics.Count; first += MetricsPerTable)
        {
            var metrics = Enumerable.Range(first, Math.Min(MetricsPerTable, run.Metrics.Count - first)).ToArray();
            if (first > 0)
            {
                sb.Append("</tbody>\n</table>\n");
            }

            sb.Append("<table class=\"summary\">\n<thead><tr><th>strategy</th>");
            foreach (var m in metrics)
            {
                sb.Append("<th>").Append(E(run.Metrics[m])).Append(MetricNames.IsLowerBetter(run.Metrics[m]) ? " <small>(lower is better)</small>" : string.Empty).Append("</th>");
            }

            sb.Append("</tr></thead>\n<tbody>\n");
            for (var s = 0; s < run.Strategies.Count; s++)
            {
                var strategy = run.Strategies[s];
                sb.Append("<tr><td>").Append(StrategyPalette.SwatchHtml(s)).Append(E(strategy)).Append("</td>");
                foreach (var m in metrics)
                {
                    var isBest = SummaryCells.IsBest(run, strategy, run.Metrics[m], best[m]);
                    sb.Append(isBest ? "<td class=\"best\">" : "<td>")
                        .Append(E(SummaryCells.MeanWithInterval(SummaryCells.Get(run, strategy, run.Metrics[m])))).Append("</td>");
                }

                sb.Append("</tr>\n");
            }
        }

        sb.Append("</tbody>\n</table>\n<p class=\"note\">")
            .Append(E($"Cells: mean [95% CI] across {run.Seeds.Count} seed(s) of each seed's time-averaged metric, {MetricsPerTable} metrics per table. "
                + "The best value per metric is highlighted; for metrics whose name contains regret, error or gini, lower is better."))
            .Append("</p>\n");
    }

    internal static void AppendFigures(StringBuilder sb, IReadOnlyList<RenderedFigure> figures)
    {
        if (figures.Count == 0)
        {
            return;
        }

        sb.Append("<h2>Figures</h2>\n");
        foreach (var f in figures)
        {
            sb.Append("<figure id=\"").Append(E(f.Name)).Append("\">\n<img alt=\"").Append(E(f.Title))
                .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(f.Png)).Append("\">\n")
                .Append("<figcaption><b>").Append(E(f.Title)).Append(".</b> ").Append(E(f.Caption)).Append("</figcaption>\n</figure>\n");
        }
    }

    private static void AppendScenarioJson(StringBuilder sb, RunResult run)
    {
        sb.Append("<h2>Resolved scenario</h2>\n<details>\n<summary>scenario JSON (defaults filled in)</summary>\n<pre>")
            .Append(E(Indent(run.ScenarioJson))).Append("</pre>\n</details>\n");
    }

    private static void AppendEnvironment(StringBuilder sb, RunEnvironment env)
    {
        sb.Append("<h2>Environment</h2>\n<dl class=\"kv\">\n");
        Kv(sb, "engine", env.Engine);
        Kv(sb, "device", env.DeviceName);
        Kv(sb, "runtime", env.Runtime);
        Kv(sb, "OS", env.OperatingSystem);
        Kv(sb, "processors", Invariant(env.ProcessorCount));
        Kv(sb, "wall time", env.WallSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s");
        Kv(sb, "simulator version", env.SimulatorVersion);
        Kv(sb, "started (UTC)", env.StartedUtc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        sb.Append("</dl>\n");
    }

    // Pretty-prints valid JSON for reading; anything else is shown as given.
    private static string Indent(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, IndentedOptions);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static readonly JsonSerializerOptions IndentedOptions = new()
    {
        WriteIndented = true,

        // Keep non-ASCII readable; the output is HTML-escaped afterwards anyway.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static void Kv(StringBuilder sb, string key, string value) =>
        sb.Append("<dt>").Append(E(key)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string E(string text) => WebUtility.HtmlEncode(text);
}
