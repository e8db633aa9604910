using Platform.Errors;
using Platform.Validation;

namespace Platform.Discovery;

/// <summary>The input rules of discovery, written once: the typed client checks them early, the service grain again (authoritative).</summary>
public static class DiscoveryRules
{
    private static readonly (ResolveStrategy Strategy, string Name)[] Strategies =
    [
        (ResolveStrategy.RoundRobin, "round-robin"),
        (ResolveStrategy.Weighted, "weighted"),
        (ResolveStrategy.LeastConnections, "least-connections"),
        (ResolveStrategy.LeastResponseTime, "least-response-time"),
        (ResolveStrategy.ConsistentHash, "consistent-hash"),
        (ResolveStrategy.PowerOfTwo, "power-of-two"),
        (ResolveStrategy.Zone, "zone"),
    ];

    /// <summary>The wire names of the strategies, in declaration order.</summary>
    public static IEnumerable<string> StrategyNames => Strategies.Select(s => s.Name);

    public static string StrategyName(ResolveStrategy strategy) => Strategies.First(s => s.Strategy == strategy).Name;

    /// <summary>A strategy by wire name (ordinal, lower case); <c>round-robin</c> when null; 400 <c>strategy</c> when unknown.</summary>
    public static ResolveStrategy ParseStrategy(string? name)
    {
        if (name is null)
        {
            return ResolveStrategy.RoundRobin;
        }

        foreach (var (strategy, wire) in Strategies)
        {
            if (wire == name)
            {
                return strategy;
            }
        }

        throw new PlatformValidationException("strategy", $"'{(name.Length > 64 ? name[..64] + "…" : name)}' is not a strategy; one of {string.Join(", ", StrategyNames)}");
    }

    /// <summary>Throws 400 naming the field for a bad service name, id, owner token or registration.</summary>
    public static void Check(string service, string id, ServiceRegistration registration, string? owner, DiscoveryOptions limits)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(limits);
        Name(service, "service");
        Name(id, "id");
        Owner(owner, limits);
        if (Reason(registration, limits) is { } error)
        {
            throw new PlatformValidationException(error.Field, error.Reason);
        }
    }

    public static void Name(string? name, string field)
    {
        if (NameRules.CheckName(name) is { } error)
        {
            throw new PlatformValidationException(field, error);
        }
    }

    public static void Owner(string? owner, DiscoveryOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (owner is null)
        {
            return;
        }

        // No commas: a header sent twice arrives joined by one, and must not read as a third token.
        if (owner.Length == 0 || owner.Length > limits.MaxOwnerLength || owner.Any(c => c < 0x21 || c > 0x7e || c == ','))
        {
            throw new PlatformValidationException("Platform-Owner-Token", $"must be one token of 1 to {limits.MaxOwnerLength} visible ASCII characters other than ','");
        }
    }

    /// <summary>The first problem of a registration as (field, reason), or null.</summary>
    public static (string Field, string Reason)? Reason(ServiceRegistration r, DiscoveryOptions limits)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(limits);
        var max = limits.MaxTextLength;
        if (string.IsNullOrWhiteSpace(r.Address) || r.Address.Length > max || r.Address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '?' or '#' or '@'))
        {
            return ("address", $"must be a host name or IP address of 1 to {max} characters without spaces, '/', '?', '#' or '@'");
        }

        if (r.Port is < 1 or > 65535)
        {
            return ("port", $"must be between 1 and 65535 (got {r.Port})");
        }

        if (r.Scheme is not ("http" or "https"))
        {
            return ("scheme", "must be http or https");
        }

        if (r.Weight < 0 || r.Weight > limits.MaxWeight)
        {
            return ("weight", $"must be between 0 and {limits.MaxWeight} (Platform:Discovery:MaxWeight) (got {r.Weight})");
        }

        if (r.Zone is { } zone && (zone.Length == 0 || zone.Length > max || zone.Any(char.IsControl)))
        {
            return ("zone", $"must be 1 to {max} characters without control characters");
        }

        if (r.Metadata.Count > limits.MaxMetadataEntries)
        {
            return ("metadata", $"holds {r.Metadata.Count} entries; at most {limits.MaxMetadataEntries} (Platform:Discovery:MaxMetadataEntries)");
        }

        foreach (var (key, value) in r.Metadata)
        {
            if (key.Length == 0 || key.Length > max || value is null || value.Length > max || key.Any(char.IsControl))
            {
                return ("metadata", $"keys must be 1 to {max} characters without control characters, values at most {max}");
            }
        }

        if (r.Tags.Count > limits.MaxMetadataEntries)
        {
            return ("tags", $"holds {r.Tags.Count} entries; at most {limits.MaxMetadataEntries} (Platform:Discovery:MaxMetadataEntries)");
        }

        if (r.Tags.Any(t => t is null || t.Length == 0 || t.Length > max || t.Any(char.IsControl)))
        {
            return ("tags", $"each must be 1 to {max} characters without control characters");
        }

        if (r.TtlMs is { } ttl && (ttl < limits.MinTtlMs || ttl > limits.MaxTtlMs))
        {
            return ("ttlMs", $"must be between {limits.MinTtlMs} and {limits.MaxTtlMs} (Platform:Discovery:MinTtlMs/MaxTtlMs) (got {ttl})");
        }

        if (r.PhiThreshold is { } phi)
        {
            if (!(phi is >= 1 and <= 100))
            {
                return ("phiThreshold", $"must be between 1 and 100 (got {phi})");
            }

            if (r.TtlMs is null)
            {
                return ("phiThreshold", "needs ttlMs: the detector watches heartbeat arrivals");
            }

            if (r.Check is not null)
            {
                return ("phiThreshold", "cannot be combined with check: an instance's health comes from one source");
            }
        }

        return r.Check is { } check ? CheckReason(check, limits) : null;
    }

    private static (string Field, string Reason)? CheckReason(HealthCheckSpec c, DiscoveryOptions limits)
    {
        if ((c.Http is null) == !c.Tcp)
        {
            return ("check", "must name exactly one of http (a path or URL) and tcp (true)");
        }

        if (c.Http is { } http)
        {
            var relative = http.StartsWith('/') && !http.StartsWith("//", StringComparison.Ordinal) && Uri.TryCreate(http, UriKind.Relative, out _);
            var absolute = Uri.TryCreate(http, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0;
            if (!(relative || absolute) || http.Length > 2048 || http.Any(c => char.IsControl(c) || c == ' '))
            {
                return ("check.http", "must be a path relative to the instance ('/healthz') or an absolute http(s) URL, at most 2048 characters");
            }
        }

        if (c.IntervalMs < limits.MinCheckIntervalMs || c.IntervalMs > limits.MaxCheckIntervalMs)
        {
            return ("check.intervalMs", $"must be between {limits.MinCheckIntervalMs} and {limits.MaxCheckIntervalMs} (got {c.IntervalMs})");
        }

        if (c.TimeoutMs < 1 || c.TimeoutMs > limits.MaxCheckIntervalMs)
        {
            return ("check.timeoutMs", $"must be between 1 and {limits.MaxCheckIntervalMs} (got {c.TimeoutMs})");
        }

        if (c.Rise < 1 || c.Rise > limits.MaxRiseFall)
        {
            return ("check.rise", $"must be between 1 and {limits.MaxRiseFall} (got {c.Rise})");
        }

        if (c.Fall < 1 || c.Fall > limits.MaxRiseFall)
        {
            return ("check.fall", $"must be between 1 and {limits.MaxRiseFall} (got {c.Fall})");
        }

        if (c.DeregisterAfterMs is { } after && (after < 1 || after > limits.MaxDeregisterAfterMs))
        {
            return ("check.deregisterAfterMs", $"must be between 1 and {limits.MaxDeregisterAfterMs} (got {after})");
        }

        return null;
    }
}
