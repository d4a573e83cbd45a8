using System.Diagnostics;
using Simulator.Core.Simulation;

namespace Simulator.Cli.Infrastructure;

/// <summary>Progress on stderr, at most a few lines a second, so stdout stays clean for scripts.</summary>
public sealed class ProgressPrinter(TextWriter error, bool quiet) : IProgress<RunProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastMs = -1000;

    public void Report(RunProgress value)
    {
        var last = value.Tick == value.Ticks - 1 && value.SeedIndex == value.Seeds - 1;
        var now = _clock.ElapsedMilliseconds;
        if (quiet || (!last && now - _lastMs < 1000))
        {
            return;
        }

        _lastMs = now;
        var done = ((double)(value.SeedIndex * value.Ticks) + value.Tick + 1) / (value.Seeds * (double)value.Ticks);
        error.WriteLine($"  seed {value.SeedIndex + 1}/{value.Seeds}  tick {value.Tick + 1}/{value.Ticks}  {done:P0}  {_clock.Elapsed.TotalSeconds:F1}s");
    }
}
