using Platform.Discovery;

namespace Platform.Client.Host.Discovery;

/// <summary>One change: its index, kind, instance id, the instance after it (null when deregistered) and why.</summary>
public sealed record ChangeResponse(long Index, ServiceChangeKind Kind, string Id, InstanceResponse? Instance, string? Reason)
{
    public static ChangeResponse From(ServiceChange c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Index, c.Kind, c.InstanceId, c.Instance is null ? null : InstanceResponse.From(c.Instance), c.Reason);
    }
}
