namespace Platform.EventLog;

/// <summary>One share group on one partition of one topic generation; its grain key is <c>{group}/{topic}/{generation}/{index}</c>.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ShareGroupId")]
public readonly record struct ShareGroupId([property: Id(0)] string Group, [property: Id(1)] PartitionId Partition)
{
    public string Key => $"{Group}/{Partition.Key}";

    /// <summary>Group names hold no '/', so the first one ends the group.</summary>
    public static ShareGroupId Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new ShareGroupId(key[..slash], PartitionId.Parse(key[(slash + 1)..]));
    }

    public override string ToString() => Key;
}
