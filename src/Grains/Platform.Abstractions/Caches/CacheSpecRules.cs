using Platform.Validation;

namespace Platform.Caches;

/// <summary>The checks of a cache spec and of entry inputs, written once for the typed client and the shards.</summary>
public static class CacheSpecRules
{
    /// <summary>Largest <c>writeBehind.maxAgeMs</c>: one day.</summary>
    public const int MaxWriteBehindAgeMs = 86_400_000;

    /// <summary>Null when the spec is valid, else the field and why not.</summary>
    public static (string Field, string Reason)? Check(CacheSpec spec, CachesOptions limits)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(limits);
        if (spec.Shards < 1 || spec.Shards > limits.MaxShards)
        {
            return ("shards", $"must be between 1 and {limits.MaxShards} (Platform:Caches:MaxShards) (got {spec.Shards})");
        }

        if (spec.Capacity is null)
        {
            return ("capacity", "is required ({ \"entries\": n })");
        }

        if (spec.Capacity.Entries < spec.Shards || spec.Capacity.Entries > limits.MaxEntries)
        {
            return ("capacity.entries", $"must be between the shard count ({spec.Shards}) and {limits.MaxEntries} (Platform:Caches:MaxEntries) (got {spec.Capacity.Entries}); it is split over the shards");
        }

        if (spec.Capacity.Bytes is { } bytes && bytes < (long)spec.Shards * 1024)
        {
            return ("capacity.bytes", $"must be at least 1024 per shard ({spec.Shards * 1024L}) (got {bytes})");
        }

        if (spec.DefaultTtlMs is { } ttl && (ttl < 1 || ttl > limits.MaxTtlMs))
        {
            return ("defaultTtlMs", $"must be between 1 and {limits.MaxTtlMs} (Platform:Caches:MaxTtlMs) (got {ttl})");
        }

        if (double.IsNaN(spec.TtlJitter) || spec.TtlJitter < 0 || spec.TtlJitter > 0.5)
        {
            return ("ttlJitter", $"must be between 0 and 0.5 (got {spec.TtlJitter})");
        }

        if (SourceError(spec) is { } sourceError)
        {
            return sourceError;
        }

        if (spec.WriteBehind is { } wb)
        {
            if (spec.Strategy != CacheStrategy.WriteBehind)
            {
                return ("writeBehind", "is only for the write-behind strategy");
            }

            if (wb.DelayMs < 1 || wb.DelayMs > limits.MaxWriteBehindDelayMs)
            {
                return ("writeBehind.delayMs", $"must be between 1 and {limits.MaxWriteBehindDelayMs} (got {wb.DelayMs})");
            }

            if (wb.MaxBatch is < 1 or > 10_000)
            {
                return ("writeBehind.maxBatch", $"must be between 1 and 10000 (got {wb.MaxBatch})");
            }

            if (wb.MaxQueue < spec.Shards || wb.MaxQueue > limits.MaxWriteBehindQueue)
            {
                return ("writeBehind.maxQueue", $"must be between the shard count ({spec.Shards}) and {limits.MaxWriteBehindQueue} (got {wb.MaxQueue})");
            }

            if (wb.MaxAgeMs < wb.DelayMs || wb.MaxAgeMs > MaxWriteBehindAgeMs)
            {
                return ("writeBehind.maxAgeMs", $"must be between delayMs ({wb.DelayMs}) and {MaxWriteBehindAgeMs} (got {wb.MaxAgeMs})");
            }
        }

        if (spec.RefreshAhead is { } ra)
        {
            if (spec.Strategy != CacheStrategy.RefreshAhead)
            {
                return ("refreshAhead", "is only for the refresh-ahead strategy");
            }

            if (double.IsNaN(ra) || ra < 0.1 || ra > 0.99)
            {
                return ("refreshAhead", $"must be between 0.1 and 0.99 (got {ra})");
            }
        }

        if (spec.Strategy == CacheStrategy.RefreshAhead && spec.DefaultTtlMs is null)
        {
            return ("defaultTtlMs", "is required for refresh-ahead (the refresh point is a fraction of it)");
        }

        if (spec.NearCache is { Enabled: true } near)
        {
            if (near.TtlMs < 1 || near.TtlMs > limits.MaxTtlMs)
            {
                return ("nearCache.ttlMs", $"must be between 1 and {limits.MaxTtlMs} (got {near.TtlMs})");
            }

            if (near.Capacity < 1 || near.Capacity > limits.MaxNearCacheEntries)
            {
                return ("nearCache.capacity", $"must be between 1 and {limits.MaxNearCacheEntries} (Platform:Caches:MaxNearCacheEntries) (got {near.Capacity})");
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="tags"/> are valid tags, else why not (each a name by <see cref="NameRules.CheckName"/>).</summary>
    public static string? CheckTags(IReadOnlyList<string> tags, int max)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count > max)
        {
            return $"holds {tags.Count} tags; at most {max} are allowed (Platform:Caches:MaxTagsPerEntry)";
        }

        foreach (var tag in tags)
        {
            if (NameRules.CheckName(tag) is { } error)
            {
                return $"tag '{tag}' {error}";
            }
        }

        return null;
    }

    private static (string Field, string Reason)? SourceError(CacheSpec spec)
    {
        var needsSource = spec.Strategy != CacheStrategy.Aside;
        if (spec.Source is not { } source)
        {
            return needsSource ? ("source", $"is required for the {spec.Strategy} strategy ({{ \"namespace\": ... }} or {{ \"http\": ... }})") : null;
        }

        if (!needsSource)
        {
            return ("source", "is not used by the aside strategy (the application loads); pick read-through, write-through, write-behind or refresh-ahead");
        }

        if ((source.Namespace is null) == (source.Http is null))
        {
            return ("source", "must name exactly one of namespace and http");
        }

        if (source.Namespace is { } ns && NameRules.CheckName(ns) is { } nsError)
        {
            return ("source.namespace", nsError);
        }

        if (source.Http is { } http)
        {
            if (!http.Contains("{key}", StringComparison.Ordinal) ||
                !Uri.TryCreate(http.Replace("{key}", "k", StringComparison.Ordinal), UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return ("source.http", "must be an absolute http or https URL holding {key}");
            }
        }

        return null;
    }
}
