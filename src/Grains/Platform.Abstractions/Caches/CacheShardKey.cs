using System.Globalization;

namespace Platform.Caches;

/// <summary>The grain key of one cache shard: <c>{cache}/{generation}/{index}</c>.</summary>
public static class CacheShardKey
{
    public static string Of(string cache, long generation, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{cache}/{generation}/{index}");

    public static (string Cache, long Generation, int Index) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var last = key.LastIndexOf('/');
        var middle = key.LastIndexOf('/', last - 1);
        return (key[..middle], long.Parse(key[(middle + 1)..last], CultureInfo.InvariantCulture), int.Parse(key[(last + 1)..], CultureInfo.InvariantCulture));
    }
}
