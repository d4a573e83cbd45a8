using System.Diagnostics;
using System.Globalization;
using Simulator.Core.Fitting;

namespace Simulator.Cli.Fitting;

/// <summary>
/// `fit`'s progress on stderr (stdout stays the summary): rows read, then each stage of the fit
/// (each family with its likelihood evaluations and best log-likelihood so far, per-user speeds,
/// the spread of speeds, the time-scale check). On a terminal one line is rewritten in place at
/// most four times a second; otherwise (a file, a pipe, a test) one line per finished stage with
/// its wall time and the processor time of all threads in it, so a log of the run says where the
/// time went (on a busy machine the processor time is the steadier figure). Nothing with --quiet.
/// </summary>
internal sealed class FitProgressPrinter(TextWriter error, bool quiet, bool terminal) : IProgress<long>, IProgress<FitProgress>
{
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Stopwatch _stage = Stopwatch.StartNew();
    private readonly object _gate = new();
    private string _current = "reading";
    private string _detail = string.Empty;
    private long _lastDrawMs = -1000;
    private TimeSpan _stageCpu = Processor();

    /// <summary>Rows (lines) read so far.</summary>
    public void Report(long value) => Update("reading", string.Create(CultureInfo.InvariantCulture, $"{value:N0} lines"));

    /// <summary>A fit stage's progress.</summary>
    public void Report(FitProgress value) =>
        Update(value.Stage, value.Evaluations > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.Evaluations} likelihood evaluations, best log-likelihood {value.LogLikelihood:F1}")
            : string.Empty);

    /// <summary>Reading finished after <paramref name="lines"/> lines.</summary>
    public void Read(long lines) => Update("sessions and statistics", string.Empty, string.Create(CultureInfo.InvariantCulture, $"{lines:N0} lines"));

    /// <summary>A stage without counts of its own begins.</summary>
    public void Stage(string name) => Update(name, string.Empty);

    /// <summary>The fit is done: the last stage's line, and the total.</summary>
    public void Done()
    {
        lock (_gate)
        {
            Finish(_current, _detail);
            _current = string.Empty;
            if (!quiet)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fit done in {_total.Elapsed.TotalSeconds:F1} s (processor {Processor().TotalSeconds:F1} s)"));
            }
        }
    }

    private void Update(string stage, string detail, string? finishedDetail = null)
    {
        lock (_gate)
        {
            if (stage != _current)
            {
                Finish(_current, finishedDetail ?? _detail);
                _current = stage;
                _stage.Restart();
                _stageCpu = Processor();
            }

            _detail = detail;
            var now = _total.ElapsedMilliseconds;
            if (quiet || !terminal || now - _lastDrawMs < 250)
            {
                return;
            }

            _lastDrawMs = now;
            var text = string.Create(CultureInfo.InvariantCulture, $"  {stage}{(detail.Length > 0 ? ": " + detail : string.Empty)}  {_stage.Elapsed.TotalSeconds:F1} s");
            error.Write("\r" + text.PadRight(100));
        }
    }

    private void Finish(string stage, string detail)
    {
        if (quiet || stage.Length == 0)
        {
            return;
        }

        var cpu = (Processor() - _stageCpu).TotalSeconds;
        var text = string.Create(CultureInfo.InvariantCulture, $"  {stage}{(detail.Length > 0 ? ": " + detail : string.Empty)}  {_stage.Elapsed.TotalSeconds:F1} s (processor {cpu:F1} s)");
        error.Write(terminal ? "\r" + text.PadRight(100) + "\n" : text + "\n");
    }

    /// <summary>Processor time of every thread of this process so far.</summary>
    private static TimeSpan Processor()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
