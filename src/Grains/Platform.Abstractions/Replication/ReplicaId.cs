using System.Globalization;
using Platform.Sharding;

namespace Platform.Replication;

/// <summary>
/// One replica of a replicated shard: the grain <c>{namespace}/{generation}/{shard}/{replica}</c>. Its group is the
/// shard (<see cref="Shard"/>); the system group, which keeps Platform's own state when silos run on memory storage,
/// is <c>$system/0/0/{replica}</c> (no namespace name contains '$').
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaId")]
public readonly record struct ReplicaId([property: Id(0)] ShardId Shard, [property: Id(1)] int Replica)
{
    /// <summary>The namespace name of the system group.</summary>
    public const string SystemNamespace = "$system";

    public static ShardId SystemGroup => new(SystemNamespace, 0, 0);

    public bool IsSystem => Shard.Namespace == SystemNamespace;

    public string ToGrainKey() => string.Create(CultureInfo.InvariantCulture, $"{Shard.ToGrainKey()}/{Replica}");

    public static ReplicaId Parse(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var slash = grainKey.LastIndexOf('/');
        if (slash < 0 || !int.TryParse(grainKey.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var replica))
        {
            throw new FormatException($"'{grainKey}' is not a replica key.");
        }

        return new ReplicaId(ShardId.Parse(grainKey[..slash]), replica);
    }

    public static bool TryParse(string grainKey, out ReplicaId id)
    {
        try
        {
            id = Parse(grainKey);
            return true;
        }
        catch (FormatException)
        {
            id = default;
            return false;
        }
    }

    public override string ToString() => ToGrainKey();
}
