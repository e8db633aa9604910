using Platform.Discovery;

namespace Platform.Client.Host.Discovery;

/// <summary>One instance as the API shows it (the owner token is never sent back; <c>owned</c> says whether it has one).</summary>
public sealed record InstanceResponse(
    string Id,
    string Address,
    int Port,
    string Scheme,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Tags,
    int Weight,
    string? Zone,
    HealthStatus Health,
    string? Reason,
    DateTimeOffset? LastCheckAt,
    string? CheckedBy,
    int? TtlMs,
    DateTimeOffset? ExpiresAt,
    HealthCheckSpec? Check,
    double? PhiThreshold,
    DateTimeOffset? EjectedUntil,
    bool Owned,
    DateTimeOffset RegisteredAt,
    long ModifyIndex)
{
    public static InstanceResponse From(ServiceInstance i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var r = i.Registration;
        return new(i.Id, r.Address, r.Port, r.Scheme, r.Metadata, r.Tags, r.Weight, r.Zone, i.Health, i.Reason, i.LastCheckAt, i.CheckedBy, r.TtlMs, i.ExpiresAt, r.Check,
            r.PhiThreshold, i.EjectedUntil, i.Owner is not null, i.RegisteredAt, i.ModifyIndex);
    }
}
