using System.Globalization;
using Simulator.Core.Results;
using static Simulator.Storage.RunFolders.JsonFields;

namespace Simulator.Storage.RunFolders;

/// <summary>Reading environment.json back.</summary>
public static partial class EnvironmentJson
{
    /// <summary>The run's environment; throws <see cref="RunFolderException"/> naming the first bad field.</summary>
    internal static RunEnvironment Read(string path, string json) => WithDocument(path, json, root =>
    {
        // Fields in file order, so the first problem reported is the first in the file.
        var engine = String(path, root, "engine");
        var device = String(path, root, "device");
        var runtime = String(path, root, "runtime");
        var os = String(path, root, "os");
        var processors = Int(path, Required(path, root, "processors"), "processors");
        var wallSeconds = Number(path, Required(path, root, "wallSeconds"), "wallSeconds");
        var started = String(path, root, "startedUtc");
        if (!DateTimeOffset.TryParseExact(started, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startedUtc))
        {
            throw new RunFolderException($"{path}: startedUtc \"{started}\" is not an ISO 8601 round-trip timestamp");
        }

        return new RunEnvironment(engine, device, runtime, os, processors, wallSeconds, startedUtc, String(path, root, "version"));
    });
}
