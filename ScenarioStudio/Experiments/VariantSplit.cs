using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ScenarioStudio.Experiments;

/// <summary>
/// Which variant a learner gets in an experiment: SHA-256 of the experiment's id and the learner's id, read as a number,
/// picks one of 10,000 buckets; the first <c>PercentB × 100</c> buckets get B. The same learner always lands in the same
/// bucket of the same experiment (on every server and after restarts, unlike <c>string.GetHashCode</c>), and different
/// experiments split the same people independently.
/// </summary>
public static class VariantSplit
{
    public const int Buckets = 10_000;

    public static int BucketOf(Guid experimentId, string learnerId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{experimentId:N}:{learnerId}"), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % Buckets);
    }

    /// <summary>"A" or "B".</summary>
    public static string VariantFor(Guid experimentId, string learnerId, int percentB) =>
        BucketOf(experimentId, learnerId) < percentB * (Buckets / 100) ? "B" : "A";
}
