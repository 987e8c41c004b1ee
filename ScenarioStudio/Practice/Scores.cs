namespace ScenarioStudio.Practice;

/// <summary>
/// The one rounding of scores and averages, so a card and a row never disagree on the same figure: halves round away
/// from zero, as SQL's ROUND does in the dashboards' queries (Math.Round alone rounds 72.5 to 72).
/// </summary>
public static class Scores
{
    public static int Round(double value) => (int)Math.Round(value, MidpointRounding.AwayFromZero);
}
