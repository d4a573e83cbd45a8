using System.Text;
using System.Text.Json;
using Simulator.Core.Results;

namespace Simulator.Storage.RunFolders;

/// <summary>environment.json: where and when the run executed (the only file with timestamps).</summary>
public static partial class EnvironmentJson
{
    public static string Write(RunEnvironment e)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("engine", e.Engine);
            w.WriteString("device", e.DeviceName);
            w.WriteString("runtime", e.Runtime);
            w.WriteString("os", e.OperatingSystem);
            w.WriteNumber("processors", e.ProcessorCount);
            w.WriteNumber("wallSeconds", e.WallSeconds);
            w.WriteString("startedUtc", e.StartedUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("version", e.SimulatorVersion);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
