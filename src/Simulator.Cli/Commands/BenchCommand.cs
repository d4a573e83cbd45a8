using System.Diagnostics;
using System.Globalization;
using System.Text;
using Simulator.Cli.Bench;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Reporting.Figures;
using Simulator.Storage.RunFolders;

namespace Simulator.Cli.Commands;

/// <summary>`simulator bench`: per-stage throughput of the canonical tick and the machine's own limits.</summary>
public static class BenchCommand
{
    public const string Help = """
        simulator bench [experiment.json] [options]

        Times the canonical tick (tick-1M = 1,000,000 users, 1,000 items, d = 32,
        k = 10, MLP 32-64-32) stage by stage, each after a warm-up (untimed runs for at least
        0.5 s, at most 10, so the JIT has reached its optimised tier), and measures the machine's
        copy bandwidth and FMA rate in the same run. Writes bench.json and bench.md to the output folder
        (default results/bench/<timestamp>), with plots/ (throughput vs N, roofline); the last stdout
        line is that folder. An experiment file (scenarios/bench-*.json) records the sizes and
        settings; options given on the command line override it.
        On the CPU engine bench.json records score_path and survivor_share, and times the int8
        prefilter alone (prefilter_int8). On an ILGPU engine (cuda, opencl, ilgpu-cpu) with
        d <= 32 it also times score_topk_prefiltered beside the tick: the same score + top-k
        behind the GPU's int8 prefilter (off in runs), with gpu_prefilter_path, survivor_share
        and gpu_prefilter_matches_fp32 (slates and scores bit-identical to score_topk's).

        Options:
          --users LIST    users, or a comma list for a sweep (1e6 notation allowed; default 1e6)
          --items LIST    items, or a comma list (default 1000)
          --dim D         interest dimension (default 32)
          --k K           slate size (default 10)
          --reps R        timed repetitions after the warm-up (default 5)
          --device D      auto | cpu | cuda | opencl | ilgpu-cpu | reference (default: auto)
          --threads N     CPU worker threads (default: all cores)
          --out DIR       output folder
          --quiet         no progress on stderr
          --no-sequence   skip the sequence models' stages: the GRU and time-LSTM cell steps
                          and the attention readout at the largest population (H = 32,
                          L = 20), and the attention model-size sweep (10^4 to 10^7
                          parameters); "sequence" in bench.json, plots/sequence_size_sweep
          --remote        also time the remote stage: one tick of Recommend + Learn for the
                          built-in random, the same behind the plugin door, and a trivial policy
                          server (clients/python/examples/trivial.py, started with
                          /usr/bin/python3) over gRPC on loopback; "remote" in bench.json
          --remote-users LIST   sizes of the remote stage (default 1e4,1e5,1e6)

        Examples:
          simulator bench
          simulator bench --users 1e4,1e5,1e6 --reps 3
          simulator bench --device cuda --users 1e7 --items 1e4
          simulator bench scenarios/bench-scaling.json
          simulator bench --users 1e5 --remote
        """ + ClusterBenchCommand.Help;

    public static int Execute(ArgumentReader args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (args.String("cluster") is { } cluster)
        {
            return ClusterBenchCommand.Execute(cluster, args, stdout, stderr, cancel);
        }

        var usersOption = ReadList(args, "users", 100_000_000);
        var itemsOption = ReadList(args, "items", 10_000_000);
        var dimOption = args.Int("dim", 1, 128);
        var kOption = args.Int("k", 1, 64);
        var repsOption = args.Int("reps", 1, 1000);
        var deviceOption = args.String("device");
        var threads = args.Int("threads", 1, 1024);
        var output = args.String("out");
        var quiet = args.Flag("quiet");
        var sequence = !args.Flag("no-sequence");
        var remote = args.Flag("remote");
        var remoteUsers = ReadList(args, "remote-users", 10_000_000);
        args.Finish(1);
        var experiment = args.Positionals.Count == 1 ? LoadExperiment(args.Positionals[0]) : BenchExperiment.Default;
        var users = usersOption ?? experiment.Users;
        var items = itemsOption ?? experiment.Items;
        var dim = dimOption ?? experiment.Dim;
        var k = kOption ?? experiment.K;
        var reps = repsOption ?? experiment.Repetitions;
        var device = deviceOption ?? experiment.Device;
        if (!EngineSelector.Devices.Contains(device))
        {
            throw new UsageException($"option --device: expected one of {string.Join(", ", EngineSelector.Devices)}, found \"{device}\"");
        }

        if (k > items.Min())
        {
            throw new UsageException($"option --k: slate size {k} is larger than the smallest catalog ({items.Min()} items)");
        }

        using var engine = EngineSelector.Create(device, threads, stderr);
        var available = Math.Min(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, engine.Info.MemoryBytes);
        foreach (var n in users)
        {
            foreach (var m in items)
            {
                var needed = BenchWorkload.EstimateBytes(n, m, dim, k);
                if (needed > available * 0.9)
                {
                    throw new UsageException(
                        $"bench at {n} users x {m} items x d={dim} needs about {needed / 1e9:F1} GB, but {engine.Info.Kind} has {available / 1e9:F1} GB available; choose a smaller --users");
                }
            }
        }

        var workers = engine.Info.Kind == "cpu" ? engine.Info.Parallelism : Environment.ProcessorCount;
        Log(stderr, quiet, $"device: {engine.Info.Kind} ({engine.Info.DeviceName})");
        var probes = MeasureProbes(engine, workers, reps);
        Log(stderr, quiet, string.Create(CultureInfo.InvariantCulture, $"probes: copy {probes.CopyGbPerSecond:F1} GB/s, FMA {probes.GflopPerSecond:F1} GFLOP/s"));

        var sizes = new List<SizeResult>();
        foreach (var m in items)
        {
            foreach (var n in users)
            {
                Log(stderr, quiet, $"measuring {n} users x {m} items ...");
                using var workload = new BenchWorkload(engine, n, m, dim, k);
                sizes.Add(BenchRunner.Measure(workload, reps, cancel));
            }
        }

        SequenceBenchResult? sequenceResult = null;
        if (sequence)
        {
            sequenceResult = SequenceBench.Measure(engine, users.Max(), items.Max(), dim, k, reps, cancel, quiet ? null : stderr.WriteLine);
        }

        IReadOnlyList<RemoteStageResult>? remoteResults = null;
        if (remote)
        {
            using var server = Remote.PolicyServerProcess.Start("trivial.py");
            Log(stderr, quiet, $"remote stage: trivial policy server at {server.Endpoint}");
            remoteResults = RemoteBench.Measure(engine, remoteUsers ?? [10_000, 100_000, 1_000_000], items.Min(), dim, k, reps, server.Endpoint, quiet ? null : stderr);
        }

        var peakRss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var json = BenchJson.Write(engine.Info, probes, sizes, reps, peakRss, remoteResults, sequenceResult);
        var figures = BenchFigures.RenderAll(new BenchResult(engine.Info.Kind, engine.Info.DeviceName, probes, sizes)).ToList();
        var markdown = new StringBuilder(BenchMarkdown.Render(engine.Info, probes, sizes, peakRss));
        if (sequenceResult is not null)
        {
            SequenceBench.Render(markdown, sequenceResult, probes);
            figures.Add(SequenceSweepFigure.Render(
                sequenceResult.Sweep.Select(p => p.Parameters).ToList(),
                sequenceResult.Sweep.Select(p => p.Readout.MedianSeconds / p.Readout.Users).ToList(),
                sequenceResult.Sweep.Select(p => p.Readout.GflopPerSecond).ToList(),
                probes.GflopPerSecond,
                engine.Info.DeviceName));
        }

        using var folder = RunFolder.Create(output, "results", "bench", DateTimeOffset.UtcNow);
        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(folder.File("bench.json"), json, utf8);
        File.WriteAllText(folder.File("bench.md"), markdown.ToString(), utf8);
        foreach (var figure in figures)
        {
            File.WriteAllBytes(folder.File(Path.Combine("plots", figure.Name + ".png")), figure.Png);
            File.WriteAllText(folder.File(Path.Combine("plots", figure.Name + ".svg")), figure.Svg, utf8);
        }
        folder.Commit();
        stdout.WriteLine(markdown);
        stdout.WriteLine(folder.FinalPath);
        return ExitCodes.Success;
    }

    private static BenchProbes MeasureProbes(Core.Compute.IComputeEngine engine, int workers, int reps)
    {
        if (engine is Gpu.IlgpuEngine gpu)
        {
            return new BenchProbes(gpu.MeasureCopyGbPerSecond(1L << 30, Math.Max(3, reps)), null, "device-to-device copy of 1 GiB (read + write)", "none on this device");
        }

        var copy = CpuProbes.CopyGbPerSecond(workers, 256L << 20, Math.Max(3, reps));
        var flops = CpuProbes.FmaGflopPerSecond(workers, Math.Max(3, reps));
        return new BenchProbes(copy, flops, $"parallel copy of 256 MiB on {workers} threads (read + write)", $"Vector256 FMA, 12 chains, {workers} threads");
    }

    private static BenchExperiment LoadExperiment(string path)
    {
        try
        {
            return BenchExperiment.Parse(ScenarioFiles.ReadText(path), Path.GetFileNameWithoutExtension(path));
        }
        catch (ScenarioException e)
        {
            throw new UsageException(ScenarioFiles.Format(path, e));
        }
    }

    private static List<int>? ReadList(ArgumentReader args, string name, int max)
    {
        var text = args.String(name);
        if (text is null)
        {
            return null;
        }

        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != Math.Floor(d) || d < 1 || d > max)
            {
                throw new UsageException($"option --{name}: expected integers in [1, {max}] separated by commas (1e6 allowed), found \"{part}\"");
            }

            values.Add((int)d);
        }

        return values;
    }

    private static void Log(TextWriter stderr, bool quiet, string message)
    {
        if (!quiet)
        {
            stderr.WriteLine(message);
        }
    }
}
