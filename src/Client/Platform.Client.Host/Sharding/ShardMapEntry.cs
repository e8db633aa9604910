using Platform.Sharding;
using System.Globalization;

namespace Platform.Client.Host.Sharding;

public sealed record ShardMapEntry(int Shard, string Grain, string Silo, long Keys, long Bytes, double Ownership, IReadOnlyList<string[]>? Ranges)
{
    public static ShardMapEntry From(ShardInfo s) => new(s.Shard, s.Grain, s.Silo, s.Keys, s.Bytes, s.Ownership,
        s.Ranges?.Select(r => new[] { r.Start.ToString(CultureInfo.InvariantCulture), r.End.ToString(CultureInfo.InvariantCulture) }).ToList());
}
