using Platform.Locks;

namespace Platform.Client.Host.Locks;

/// <summary>A granted or renewed lease. Count is set for semaphores only.</summary>
public sealed record LeaseResponse(long Token, string Owner, LeaseMode Mode, DateTimeOffset ExpiresAt, int? Count = null)
{
    public static LeaseResponse From(LeaseHolder lease, LeaseKind kind) =>
        new(lease.Token, lease.Owner, lease.Mode, lease.ExpiresAt, kind == LeaseKind.Semaphore ? lease.Count : null);
}
