using Platform.Client.Host.Replication;
using Platform.Sharding;
using System.Globalization;

namespace Platform.Client.Host.Sharding;

/// <summary>
/// One shard of the map; for a replicated namespace also its group: <c>replicas</c> (silo, role, term, commit and
/// applied index, lag), <c>leader</c>, <c>term</c> and <c>degraded</c> (why it runs below full strength, when it does).
/// </summary>
public sealed record ShardMapEntry(
    int Shard,
    string Grain,
    string Silo,
    long Keys,
    long Bytes,
    double Ownership,
    IReadOnlyList<string[]>? Ranges,
    IReadOnlyList<ReplicaMapEntry>? Replicas = null,
    int? Leader = null,
    long? Term = null,
    string? Degraded = null)
{
    public static ShardMapEntry From(ShardInfo s) => new(s.Shard, s.Grain, s.Silo, s.Keys, s.Bytes, s.Ownership,
        s.Ranges?.Select(r => new[] { r.Start.ToString(CultureInfo.InvariantCulture), r.End.ToString(CultureInfo.InvariantCulture) }).ToList(),
        s.Replicas?.Select(ReplicaMapEntry.From).ToList(), s.Leader, s.Term, s.Degraded);
}
