using System.Globalization;

namespace ScenarioStudio.Bench.Infrastructure;

/// <summary>
/// "--name value" options and "--flag" switches after the benchmark name. A benchmark reads what it knows and then
/// calls <see cref="RejectUnknown"/>, so a typo is an error rather than a silently ignored option.
/// </summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string?> values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> used = new(StringComparer.OrdinalIgnoreCase);

    public static BenchArgs Parse(ReadOnlySpan<string> args)
    {
        var result = new BenchArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new BenchUsageException($"Unexpected argument '{arg}'.");
            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            if (!result.values.TryAdd(name, value)) throw new BenchUsageException($"Option --{name} is given twice.");
        }
        return result;
    }

    public int GetInt(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        used.Add(name);
        if (!values.TryGetValue(name, out var raw)) return defaultValue;
        if (raw is null || !int.TryParse(raw.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new BenchUsageException($"Option --{name} needs a whole number.");
        if (n < min || n > max) throw new BenchUsageException($"Option --{name} must be {min} to {max}.");
        return n;
    }

    public string? GetString(string name)
    {
        used.Add(name);
        if (!values.TryGetValue(name, out var raw)) return null;
        if (string.IsNullOrWhiteSpace(raw)) throw new BenchUsageException($"Option --{name} needs a value.");
        return raw;
    }

    public bool HasFlag(string name)
    {
        used.Add(name);
        if (!values.TryGetValue(name, out var raw)) return false;
        if (raw is not null) throw new BenchUsageException($"Option --{name} takes no value.");
        return true;
    }

    public void RejectUnknown()
    {
        var unknown = values.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new BenchUsageException($"Unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}.");
    }
}
