using System.Globalization;

namespace ScenarioStudio.Bench.Streaming;

/// <summary>CPU time used so far by every Chromium process on the machine, read from /proc (Linux only).</summary>
internal static class BrowserCpu
{
    public static TimeSpan? Total()
    {
        if (!Directory.Exists("/proc")) return null;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "comm")).StartsWith("chrom", StringComparison.Ordinal)) continue;
                // Fields after the command name in parentheses: state is the 3rd field of the file, utime the 14th, stime the 15th.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }
}
