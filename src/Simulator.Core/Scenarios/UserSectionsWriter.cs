using System.Text.Json;

namespace Simulator.Core.Scenarios;

/// <summary>Writes the user-side sections (population extras, drift processes, churn) for <see cref="ScenarioWriter"/>.</summary>
internal static class UserSectionsWriter
{
    public static void WritePopulationExtras(Utf8JsonWriter w, PopulationSpec p)
    {
        w.WriteNumber("activitySpread", p.ActivitySpread);
        w.WriteNumber("driftHeterogeneity", p.DriftHeterogeneity);
        w.WriteStartArray("segments");
        foreach (var s in p.Segments)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteNumber("weight", s.Weight);
            w.WriteNumber("activity", s.Activity);
            w.WriteNumber("forgettingSpeed", s.ForgettingSpeed);
            w.WriteNumber("driftRate", s.DriftRate);
            w.WriteNumber("concentration", s.Concentration);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>One process as an object (the common case, and what older files hold); several as an array.</summary>
    public static void WriteDrift(Utf8JsonWriter w, IReadOnlyList<DriftSpec> processes)
    {
        w.WritePropertyName("drift");
        if (processes.Count == 1)
        {
            WriteProcess(w, processes[0]);
            return;
        }

        w.WriteStartArray();
        foreach (var d in processes)
        {
            WriteProcess(w, d);
        }

        w.WriteEndArray();
    }

    public static void WriteChurn(Utf8JsonWriter w, ChurnSpec c)
    {
        w.WriteStartObject("churn");
        w.WriteNumber("threshold", c.Threshold);
        w.WriteNumber("patience", c.Patience);
        w.WriteNumber("smoothing", c.Smoothing);
        w.WriteNumber("returnRate", c.ReturnRate);
        w.WriteEndObject();
    }

    private static void WriteProcess(Utf8JsonWriter w, DriftSpec d)
    {
        w.WriteStartObject();
        w.WriteString("kind", ScenarioParser.DriftKinds.First(k => k.Value == d.Kind).Key);
        switch (d.Kind)
        {
            case DriftKind.Abrupt:
                w.WriteNumber("rate", d.Rate);
                w.WriteNumber("shift", d.Shift);
                w.WriteStartArray("events");
                foreach (var t in d.EventTicks)
                {
                    w.WriteNumberValue(t);
                }

                w.WriteEndArray();
                break;
            case DriftKind.OrnsteinUhlenbeck:
                w.WriteNumber("kappa", d.Kappa);
                w.WriteNumber("sigma", d.Sigma);
                break;
            case DriftKind.Gradual:
                w.WriteNumber("midpoint", d.Midpoint);
                w.WriteNumber("width", d.Width);
                break;
            case DriftKind.Seasonal:
                w.WriteNumber("amplitude", d.Amplitude);
                w.WriteNumber("period", d.Period);
                w.WriteNumber("phase", d.Phase);
                break;
        }

        w.WriteEndObject();
    }
}
