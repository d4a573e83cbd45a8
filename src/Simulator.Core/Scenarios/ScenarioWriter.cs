using System.Text;
using System.Text.Json;
using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Scenarios;

/// <summary>Writes a resolved scenario back as JSON (every default explicit), in a stable field order.</summary>
public static class ScenarioWriter
{
    public static string ToJson(Scenario s)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("description", s.Description);
            w.WriteNumber("seed", s.Seed);
            w.WriteNumber("seeds", s.SeedCount);
            w.WriteNumber("ticks", s.Ticks);
            w.WriteNumber("tickLength", s.TickLength);
            w.WriteNumber("shards", s.Shards);
            w.WriteNumber("slateSize", s.SlateSize);

            w.WriteStartObject("population");
            w.WriteNumber("users", s.Population.Users);
            w.WriteNumber("topics", s.Population.Topics);
            w.WriteNumber("logitScale", s.Population.LogitScale);
            w.WriteNumber("activity", s.Population.Activity);
            UserSectionsWriter.WritePopulationExtras(w, s.Population);
            w.WriteEndObject();

            var f = s.Forgetting;
            w.WriteStartObject("forgetting");
            w.WriteString("curve", ScenarioParser.Curves.First(c => c.Value == f.Curve).Key);
            switch (f.Curve)
            {
                case ForgettingCurve.Exponential:
                    w.WriteNumber("halfLife", f.Parameter1);
                    break;
                case ForgettingCurve.PowerLaw:
                    w.WriteNumber("tau", f.Parameter1);
                    w.WriteNumber("exponent", f.Parameter2);
                    break;
                default:
                    w.WriteNumber("midpoint", f.Parameter1);
                    w.WriteNumber("width", f.Parameter2);
                    break;
            }

            w.WriteNumber("heterogeneity", f.Heterogeneity);
            w.WriteNumber("baseline", f.Baseline);
            w.WriteNumber("reinforcement", f.Reinforcement);
            w.WriteNumber("recoveryRate", f.RecoveryRate);
            w.WriteNumber("recoveryFraction", f.RecoveryFraction);
            w.WriteEndObject();

            w.WriteStartObject("catalog");
            w.WriteNumber("items", s.Catalog.Items);
            w.WriteNumber("focus", s.Catalog.Focus);
            w.WriteNumber("qualitySd", s.Catalog.QualitySd);
            var dynamics = s.Catalog.Dynamics;
            w.WriteNumber("initialItems", dynamics.InitialItems);
            w.WriteNumber("arrivalRate", dynamics.ArrivalRate);
            w.WriteString("agingCurve", ScenarioParser.Curves.First(k => k.Value == dynamics.AgingCurve).Key);
            w.WriteNumber("agingWeight", dynamics.AgingWeight);
            w.WriteNumber("agingScale", dynamics.AgingScale);
            w.WriteNumber("agingShape", dynamics.AgingShape);
            w.WriteNumber("socialProof", dynamics.SocialProof);
            w.WriteEndObject();

            UserSectionsWriter.WriteDrift(w, s.DriftProcesses);
            UserSectionsWriter.WriteChurn(w, s.Churn);

            var c = s.Choice;
            w.WriteStartObject("choice");
            w.WriteNumber("interestWeight", c.InterestWeight);
            w.WriteNumber("qualityWeight", c.QualityWeight);
            w.WriteNumber("temperature", c.Temperature);
            w.WriteNumber("noClickUtility", c.NoClickUtility);
            w.WriteNumber("positionDecay", c.PositionDecay);
            w.WriteNumber("dwellMu", c.DwellMu);
            w.WriteNumber("dwellBeta", c.DwellBeta);
            w.WriteNumber("dwellSigma", c.DwellSigma);
            w.WriteNumber("satiationWeight", s.Satiation.Weight);
            w.WriteNumber("satiationDecay", s.Satiation.Decay);
            w.WriteEndObject();

            w.WriteStartArray("strategies");
            foreach (var strategy in s.Strategies)
            {
                w.WriteStartObject();
                w.WriteString("name", strategy.Name);
                if (strategy.External is { } external)
                {
                    WriteIfSet(w, "plugin", external.Plugin);
                    WriteIfSet(w, "type", external.Type);
                    WriteIfSet(w, "endpoint", external.Endpoint);
                }

                foreach (var (key, value) in strategy.Parameters)
                {
                    w.WriteNumber(key, value);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("reference", s.Reference);

            w.WriteStartArray("metrics");
            foreach (var m in s.Metrics)
            {
                w.WriteStringValue(m);
            }

            w.WriteEndArray();
            if (s.Sweep.Count > 0)
            {
                w.WriteStartObject("sweep");
                foreach (var axis in s.Sweep)
                {
                    w.WriteStartArray(axis.Path);
                    foreach (var value in axis.Values)
                    {
                        w.WriteRawValue(value);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
