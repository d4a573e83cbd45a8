using System.Globalization;

namespace Simulator.Cli.Infrastructure;

/// <summary>
/// A small, strict argument reader: options are declared by the command that reads them, and
/// anything left unread is an error naming the option, so typos never pass silently.
/// </summary>
public sealed class ArgumentReader
{
    private readonly List<string> _positionals = [];
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _repeated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ArgumentReader(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var eq = a.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    Set(a[2..eq], a[(eq + 1)..]);
                }
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    Set(a[2..], list[++i]);
                }
                else
                {
                    _options[a[2..]] = null;
                }
            }
            else if (a == "-h")
            {
                _options["help"] = null;
            }
            else
            {
                _positionals.Add(a);
            }
        }
    }

    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>Every value of an option that may repeat (e.g. --set a=1 --set b=2).</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        _read.Add(name);
        return _repeated.TryGetValue(name, out var values) ? values : [];
    }

    /// <summary>A switch such as --quiet. A switch takes no value; a value that followed it is a positional.</summary>
    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value))
        {
            return false;
        }

        if (value is not null)
        {
            _positionals.Add(value);
            _options[name] = null;
        }

        return true;
    }

    public string? String(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value))
        {
            return null;
        }

        return value ?? throw new UsageException($"option --{name} needs a value");
    }

    public int? Int(string name, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != Math.Floor(d) || d < min || d > max)
        {
            throw new UsageException($"option --{name}: expected an integer in [{min}, {max}], found \"{text}\"");
        }

        return (int)d;
    }

    public string Choice(string name, string fallback, IReadOnlyList<string> allowed)
    {
        var text = String(name) ?? fallback;
        if (!allowed.Contains(text))
        {
            throw new UsageException($"option --{name}: expected one of {string.Join(", ", allowed)}, found \"{text}\"");
        }

        return text;
    }

    private void Set(string name, string value)
    {
        _options[name] = value;
        if (!_repeated.TryGetValue(name, out var values))
        {
            values = [];
            _repeated[name] = values;
        }

        values.Add(value);
    }

    /// <summary>Fails on options nobody read and on more positionals than the command takes.</summary>
    public void Finish(int maxPositionals)
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option --{unknown[0]}{Core.Scenarios.Suggest.DidYouMean(unknown[0], _read)}; see --help");
        }

        if (_positionals.Count > maxPositionals)
        {
            throw new UsageException($"unexpected argument \"{_positionals[maxPositionals]}\"; see --help");
        }
    }
}
