using System.Text;
using System.Text.Json;

namespace Simulator.Core.Scenarios;

/// <summary>
/// Maps the JSON paths of a scenario text ($, $.population.users, $.strategies[0].name) to the
/// 1-based line of their token, so every error can name the line it is about.
/// </summary>
internal static class ScenarioLines
{
    private static readonly JsonReaderOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <summary>
    /// Path -> line for every property (the line of its name) and array element (the line of the
    /// value). Invalid JSON yields the paths read before the problem.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Map(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, Options);
        var stack = new Stack<Frame>();
        var line = 1;
        long counted = 0;
        try
        {
            while (reader.Read())
            {
                for (var end = reader.TokenStartIndex; counted < end; counted++)
                {
                    if (bytes[counted] == (byte)'\n')
                    {
                        line++;
                    }
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = stack.Peek();
                        frame.Pending = $"{frame.Path}.{reader.GetString()}";
                        result.TryAdd(frame.Pending, line);
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var path = NextValuePath(stack);
                        result.TryAdd(path, line);
                        stack.Push(new Frame(path, reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        result.TryAdd(NextValuePath(stack), line);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Syntax errors carry their own line; keep what was mapped so far.
        }

        return result;
    }

    /// <summary>The line of <paramref name="path"/>, else of its nearest ancestor in the text; null when none is.</summary>
    public static int? Find(IReadOnlyDictionary<string, int> map, string path)
    {
        var p = path;
        while (p.Length > 0)
        {
            if (map.TryGetValue(p, out var line))
            {
                return line;
            }

            var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
            if (cut <= 0)
            {
                break;
            }

            p = p[..cut];
        }

        return map.TryGetValue("$", out var root) ? root : null;
    }

    /// <summary>
    /// Every property name that appears a second time in the same object, as an error at the path
    /// of the repeated field with the line of its second appearance and of its first (when
    /// <paramref name="withLines"/>: the text is the file, not a text made from it).
    /// System.Text.Json keeps the last value of a repeated name; the parser refuses the file instead,
    /// as JSON Schema validators (which see the parsed object) cannot.
    /// </summary>
    public static List<ScenarioError> Duplicates(string json, bool withLines)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var result = new List<ScenarioError>();
        var reader = new Utf8JsonReader(bytes, Options);
        var stack = new Stack<Frame>();
        var line = 1;
        long counted = 0;
        try
        {
            while (reader.Read())
            {
                for (var end = reader.TokenStartIndex; counted < end; counted++)
                {
                    if (bytes[counted] == (byte)'\n')
                    {
                        line++;
                    }
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = stack.Peek();
                        var name = reader.GetString()!;
                        frame.Pending = $"{frame.Path}.{name}";
                        frame.Names ??= new Dictionary<string, int>(StringComparer.Ordinal);
                        if (!frame.Names.TryAdd(name, line))
                        {
                            var first = frame.Names[name];
                            var where = withLines ? $" (first at line {first})" : string.Empty;
                            result.Add(new ScenarioError(frame.Pending, $"field \"{name}\" appears twice in this object{where}; expected each field once") { Line = withLines ? line : null });
                        }

                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        stack.Push(new Frame(NextValuePath(stack), reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.Pop();
                        break;
                    default:
                        NextValuePath(stack);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Syntax errors are reported by the parser; keep what was found so far.
        }

        return result;
    }

    /// <summary>
    /// Fills <see cref="ScenarioError.Line"/> from the file text, except for errors about a value
    /// set by an override (--set), which get no line and name the override instead. An error that
    /// already has a line (a syntax error, a repeated field) keeps it.
    /// </summary>
    public static IReadOnlyList<ScenarioError> Attach(
        IReadOnlyList<ScenarioError> errors,
        string fileText,
        IReadOnlyList<KeyValuePair<string, string>> overrides) =>
        Attach(errors, fileText, overrides, _ => []);

    /// <summary>
    /// As above; an error elsewhere in the file (a cross-field rule: --set catalog.items=5 makes the
    /// file's slateSize too large) keeps its line and names the overrides <paramref name="culprits"/>
    /// returns for its path (none: the file's own problem).
    /// </summary>
    public static IReadOnlyList<ScenarioError> Attach(
        IReadOnlyList<ScenarioError> errors,
        string fileText,
        IReadOnlyList<KeyValuePair<string, string>> overrides,
        Func<string, IReadOnlyList<KeyValuePair<string, string>>> culprits)
    {
        var map = Map(fileText);
        return errors.Select(error =>
        {
            if (error.Line is not null)
            {
                return error;
            }

            var set = overrides.LastOrDefault(o => Covers($"$.{o.Key}", error.Path));
            if (set.Key is not null)
            {
                return error with { Origin = Describe([set]) };
            }

            var causes = overrides.Count == 0 ? [] : culprits(error.Path);
            return error with { Line = Find(map, error.Path), Origin = causes.Count == 0 ? null : Describe(causes) };
        }).ToList();
    }

    private static string Describe(IEnumerable<KeyValuePair<string, string>> overrides) =>
        string.Join(", ", overrides.Select(o => $"--set {o.Key}={o.Value}"));

    private static bool Covers(string overridePath, string errorPath) =>
        errorPath == overridePath ||
        errorPath.StartsWith(overridePath + ".", StringComparison.Ordinal) ||
        errorPath.StartsWith(overridePath + "[", StringComparison.Ordinal);

    private static string NextValuePath(Stack<Frame> stack)
    {
        if (stack.Count == 0)
        {
            return "$";
        }

        var top = stack.Peek();
        return top.IsArray ? $"{top.Path}[{top.Index++}]" : top.Pending ?? top.Path;
    }

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public int Index { get; set; }

        public string? Pending { get; set; }

        public Dictionary<string, int>? Names { get; set; }
    }
}
