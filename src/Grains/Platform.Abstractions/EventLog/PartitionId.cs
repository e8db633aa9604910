using System.Globalization;

namespace Platform.EventLog;

/// <summary>One partition of one generation of a topic; its grain key is <c>{topic}/{generation}/{index}</c>.</summary>
[GenerateSerializer, Immutable, Alias("Platform.EventLog.PartitionId")]
public readonly record struct PartitionId([property: Id(0)] string Topic, [property: Id(1)] long Generation, [property: Id(2)] int Index)
{
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Topic}/{Generation}/{Index}");

    public static PartitionId Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var last = key.LastIndexOf('/');
        var middle = key.LastIndexOf('/', last - 1);
        return new PartitionId(key[..middle], long.Parse(key[(middle + 1)..last], CultureInfo.InvariantCulture), int.Parse(key[(last + 1)..], CultureInfo.InvariantCulture));
    }

    public override string ToString() => Key;
}
