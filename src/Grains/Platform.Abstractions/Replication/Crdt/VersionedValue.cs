namespace Platform.Replication.Crdt;

/// <summary>
/// A value stamped with the hybrid logical clock reading of its write: a last-write-wins register. A delete is a
/// <see cref="Tombstone"/> (no value) kept for a grace period so that no replica's older copy resurrects the key.
/// <see cref="Merge"/> keeps the higher stamp.
/// </summary>
public sealed record VersionedValue(HlcTimestamp Stamp, byte[]? Value, string? ContentType)
{
    public bool Tombstone => Value is null;

    public static VersionedValue Merge(VersionedValue a, VersionedValue b) => a.Stamp >= b.Stamp ? a : b;

    /// <summary>True for a tombstone whose grace period has passed at <paramref name="nowMs"/>: it may be forgotten.</summary>
    public bool Expired(long nowMs, TimeSpan grace) => Tombstone && Stamp.WallMs + (long)grace.TotalMilliseconds <= nowMs;

    public bool Equals(VersionedValue? other) =>
        other is not null && Stamp == other.Stamp && ContentType == other.ContentType
        && (Value is null ? other.Value is null : other.Value is not null && Value.AsSpan().SequenceEqual(other.Value));

    public override int GetHashCode() => HashCode.Combine(Stamp, ContentType, Value?.Length ?? -1);
}
