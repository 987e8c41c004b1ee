using System.Text.RegularExpressions;

namespace ScenarioStudio.Scenarios.Builder;

/// <summary>
/// Where a validator key lives in the builder, in the creator's words: "Phases[1].IdealResponse" is "Phase 2",
/// "Persona.Name" is "Customer", "Rubric[0].Weight" is "Rubric, criterion 1".
/// </summary>
public static partial class FieldPlace
{
    public static string Of(string key)
    {
        var m = Indexed().Match(key);
        if (m.Success)
        {
            var n = int.Parse(m.Groups["i"].Value) + 1;
            return m.Groups["list"].Value switch
            {
                "Phases" => key.Contains(".TestCases[", StringComparison.Ordinal) ? $"Phase {n}, test case {TestCase(key)}" : $"Phase {n}",
                "Rubric" => $"Rubric, criterion {n}",
                _ => m.Groups["list"].Value,
            };
        }
        var root = key.Split('.')[0];
        return root switch
        {
            "Persona" => "Customer",
            "Phases" => "Phases",
            "Rubric" => "Rubric",
            "Ai" => "AI",
            _ => "Details",
        };
    }

    /// <summary>"Phase 2: Write an ideal response before publishing."</summary>
    public static IEnumerable<string> Messages(IReadOnlyDictionary<string, string[]> errors) =>
        errors.SelectMany(e => e.Value.Select(message => $"{Of(e.Key)}: {message}")).Distinct();

    private static int TestCase(string key) => int.Parse(TestCaseIndex().Match(key).Groups[1].Value) + 1;

    [GeneratedRegex(@"^(?<list>\w+)\[(?<i>\d+)\]")]
    private static partial Regex Indexed();

    [GeneratedRegex(@"\.TestCases\[(\d+)\]")]
    private static partial Regex TestCaseIndex();
}
