using System.Text;
using Simulator.Cli.Infrastructure;
using Simulator.Core.Scenarios;

namespace Simulator.Cli.Commands;

/// <summary>Reads scenario files and turns every problem into a message naming the file.</summary>
public static class ScenarioFiles
{
    /// <summary>Largest scenario file accepted; scenarios are small hand-written files.</summary>
    public const long MaxBytes = 4 * 1024 * 1024;

    /// <summary>Reads, applies <paramref name="overrides"/> (--set) and validates; errors name the file line or the override.</summary>
    public static Scenario Load(string path, IReadOnlyList<KeyValuePair<string, string>>? overrides = null)
    {
        return Parse(path, ReadText(path), overrides);
    }

    /// <summary>Applies overrides to scenario text and validates it; <paramref name="path"/> names the text's origin in errors.</summary>
    public static Scenario Parse(string path, string text, IReadOnlyList<KeyValuePair<string, string>>? overrides = null)
    {
        overrides ??= [];
        try
        {
            var edited = ScenarioOverrides.Apply(text, overrides);
            return ScenarioParser.Parse(edited, Path.GetFileNameWithoutExtension(path), text, overrides);
        }
        catch (ScenarioException e)
        {
            throw new UsageException(Format(path, e));
        }
    }

    public static string Format(string path, ScenarioException e)
    {
        var lines = e.Errors.Select(error => Format(path, error));
        return $"invalid scenario {path} ({e.Errors.Count} problem{(e.Errors.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}  " +
               string.Join(Environment.NewLine + "  ", lines);
    }

    /// <summary>
    /// `file:line: $.path: message`; `file: $.path: message (from --set ...)` for a value not in the
    /// file; `file:line: $.path: message (because of --set ...)` for a value in the file that an
    /// override made invalid (slateSize against --set catalog.items).
    /// </summary>
    public static string Format(string path, ScenarioError error) =>
        (error.Line is int line ? $"{path}:{line}: " : $"{path}: ") + $"{error.Path}: {error.Message}" +
        (error.Origin is null ? string.Empty
            : error.Line is null ? $" (from {error.Origin}; not in the file, so no line)"
            : $" (because of {error.Origin})");

    public static string ReadText(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{path}: is a folder; expected a scenario .json file");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"{path}: no such file");
        }

        var info = new FileInfo(path);
        if (info.Length > MaxBytes)
        {
            throw new UsageException($"{path}: {info.Length} bytes is too large for a scenario file (at most {MaxBytes})");
        }

        var bytes = File.ReadAllBytes(path);

        // A UTF-8 byte order mark (some editors write one) is not part of the text.
        if (bytes.AsSpan().StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        if (bytes.Length == 0)
        {
            throw new UsageException($"{path}: $: the file is empty; expected a JSON object");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new UsageException($"{path}: $: not UTF-8 text; expected a JSON scenario file");
        }
    }
}
