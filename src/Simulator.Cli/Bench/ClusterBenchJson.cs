using System.Globalization;
using System.Text;
using System.Text.Json;
using Simulator.Cluster.Bench;

namespace Simulator.Cli.Bench;

/// <summary>bench.json of a cluster bench: everything under `cluster`, plus peak memory of the driver process.</summary>
public static class ClusterBenchJson
{
    public static string Write(ClusterBenchResult r, string where, double peakRssMb)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("cluster");
            w.WriteString("cluster", where);
            w.WriteNumber("silos", r.Silos);
            w.WriteNumber("shards", r.Shards);
            w.WriteStartArray("shard_silos");
            foreach (var silo in r.ShardSilos)
            {
                w.WriteStringValue(silo);
            }

            w.WriteEndArray();
            w.WriteStartObject("coordination");
            w.WriteString("what", "coordinator barrier round trip per tick over shard grains doing no simulation work, merged in shard order");
            w.WriteNumber("ticks", r.Ticks);
            w.WriteNumber("median_ms_per_tick", r.MedianMsPerTick);
            w.WriteNumber("p90_ms_per_tick", r.P90MsPerTick);
            w.WriteNumber("min_ms_per_tick", r.MinMsPerTick);
            w.WriteEndObject();
            w.WriteStartObject("exchange");
            w.WriteString("what", "one exchange round of a seed split over shard grains (run --shard-grains): every shard hands a partial to the exchange grain and blocks until all are in; a tick has one round per cross-user reduction (one per world to score, plus item-count learners and social proof)");
            w.WriteNumber("rounds", r.ExchangeRounds);
            w.WriteNumber("payload_bytes", r.ExchangePayloadBytes);
            w.WriteNumber("median_ms_per_round", r.ExchangeMedianMs);
            w.WriteNumber("p90_ms_per_round", r.ExchangeP90Ms);
            w.WriteEndObject();
            w.WriteStartObject("transfer");
            w.WriteString("from", r.TransferFrom);
            w.WriteString("to", r.TransferTo);
            w.WriteNumber("raw_bytes", r.RawBytes);
            w.WriteNumber("raw_mb_per_s", r.RawMbPerSecond);
            w.WriteNumber("plain_float_array_bytes", r.PlainBytes);
            w.WriteNumber("plain_float_array_mb_per_s", r.PlainMbPerSecond);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteNumber("peak_rss_mb", peakRssMb);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Markdown(ClusterBenchResult r, string where) => string.Create(CultureInfo.InvariantCulture, $"""
        # Cluster bench ({where})

        | measure | value |
        | --- | --- |
        | silos / shard grains | {r.Silos} / {r.Shards} |
        | barrier round trip per tick, median | {r.MedianMsPerTick:F3} ms |
        | barrier round trip per tick, p90 | {r.P90MsPerTick:F3} ms |
        | shard-grain exchange round ({r.ExchangePayloadBytes} B per shard), median | {r.ExchangeMedianMs:F3} ms |
        | shard-grain exchange round, p90 | {r.ExchangeP90Ms:F3} ms |
        | shard-to-shard transfer, raw-copy blocks ({r.RawBytes / 1e6:F0} MB) | {r.RawMbPerSecond:F0} MB/s |
        | shard-to-shard transfer, plain float[] ({r.PlainBytes / 1e6:F0} MB) | {r.PlainMbPerSecond:F0} MB/s |

        Transfer from {r.TransferFrom} to {r.TransferTo}; {r.Ticks} timed ticks after warm-up.
        """);
}
