using System.Globalization;

namespace Platform.EventLog;

/// <summary>
/// A lease of one record to one consumer: <c>{generation}.{partition}.{offset}.{delivery}.{nonce}</c>. The partition and
/// generation route an ack to the share group's grain without a lookup; the delivery number and the random nonce make
/// every lease of a record a distinct id, so an expired lease can never settle the record's next delivery.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.ShareLeaseId")]
public readonly record struct ShareLeaseId(
    [property: Id(0)] long Generation,
    [property: Id(1)] int Partition,
    [property: Id(2)] long Offset,
    [property: Id(3)] int Delivery,
    [property: Id(4)] uint Nonce)
{
    /// <summary>The longest lease id accepted (the format's own bound: four decimal numbers and 8 hex digits).</summary>
    public const int MaxChars = 64;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Generation}.{Partition}.{Offset}.{Delivery}.{Nonce:x8}");

    /// <summary>Parses a lease id as <see cref="ToString"/> writes it; false for anything else.</summary>
    public static bool TryParse(string? text, out ShareLeaseId id)
    {
        id = default;
        if (text is null || text.Length > MaxChars)
        {
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length != 5
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var delivery)
            || parts[4].Length != 8
            || !uint.TryParse(parts[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var nonce))
        {
            return false;
        }

        id = new ShareLeaseId(generation, partition, offset, delivery, nonce);
        return true;
    }
}
