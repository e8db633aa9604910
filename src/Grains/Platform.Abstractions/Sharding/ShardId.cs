using System.Globalization;

namespace Platform.Sharding;

/// <summary>The identity of one shard: namespace, namespace generation and index on the ring.</summary>
[GenerateSerializer, Immutable, Alias("Platform.ShardId")]
public readonly record struct ShardId(
    [property: Id(0)] string Namespace,
    [property: Id(1)] long Generation,
    [property: Id(2)] int Index)
{
    /// <summary>The grain key: <c>{namespace}/{generation}/{index}</c> (namespace names never contain '/').</summary>
    public string ToGrainKey() => string.Create(CultureInfo.InvariantCulture, $"{Namespace}/{Generation}/{Index}");

    public static ShardId Parse(string grainKey)
    {
        var parts = grainKey.Split('/');
        if (parts.Length != 3)
        {
            throw new FormatException($"'{grainKey}' is not a shard key.");
        }

        return new ShardId(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    public override string ToString() => ToGrainKey();
}
