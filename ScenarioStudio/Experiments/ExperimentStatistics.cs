using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace ScenarioStudio.Experiments;

/// <summary>Welch's two-sample t-test: the statistic, its Welch–Satterthwaite degrees of freedom and the two-sided p-value.</summary>
public sealed record WelchResult(double T, double DegreesOfFreedom, double P);

/// <summary>
/// The significance test of an experiment, through MathNet.Numerics (sample means and variances from
/// <see cref="Statistics"/>, the p-value from its Student t distribution): Welch's t-test, which does not assume the two
/// variants' scores vary alike.
/// </summary>
public static class ExperimentStatistics
{
    public static WelchResult Welch(IReadOnlyCollection<double> a, IReadOnlyCollection<double> b)
    {
        if (a.Count < 2 || b.Count < 2) throw new ArgumentException("Welch's t-test needs at least two values in each sample.");
        var (meanA, meanB) = (a.Mean(), b.Mean());
        var (va, vb) = (a.Variance() / a.Count, b.Variance() / b.Count);
        var se = va + vb;
        // Identical scores in both samples: no spread to test against; the means differ or they do not.
        if (se <= 0) return new WelchResult(meanA == meanB ? 0 : Math.Sign(meanA - meanB) * double.PositiveInfinity, a.Count + b.Count - 2,
            meanA == meanB ? 1 : 0);
        var t = (meanA - meanB) / Math.Sqrt(se);
        var df = se * se / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        var p = 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
        return new WelchResult(t, df, Math.Min(1, p));
    }
}
