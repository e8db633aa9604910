using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Validation;

namespace Platform.Locks;

/// <summary>The shared half of the typed lock, semaphore and election clients: checks, the acquire call, handles.</summary>
internal sealed class LockClient(IGrainFactory grains, IOptions<LockOptions> options, TimeProvider time)
{
    public LockOptions Limits => options.Value;

    public TimeProvider Time => time;

    public ILockGrain Grain(LeaseKind kind, string name)
    {
        if (NameRules.CheckName(name) is { } error)
        {
            throw new PlatformValidationException("name", error);
        }

        return grains.Grain(kind, name);
    }

    public async Task<ILeaseHandle> AcquireAsync(LeaseKind kind, string name, int count, LeaseOptions options, CancellationToken cancellationToken)
    {
        var grain = Grain(kind, name);
        var leaseMs = ToMs(options.Lease, "lease") ?? Limits.DefaultLeaseMs;
        var request = new LeaseRequest
        {
            Owner = options.Owner ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}",
            Mode = options.Mode,
            Count = count,
            LeaseMs = leaseMs,
            WaitMs = ToMs(options.Wait, "wait") ?? 0,
        };

        // The local clock starts before the call: the lease cannot have been granted earlier than this.
        var sentAt = time.GetTimestamp();
        var result = await grain.Acquire(request, cancellationToken);
        var lease = Check(result, kind, name);
        return new LeaseHandle(grain, name, lease, leaseMs, sentAt, options.AutoRenew, time);
    }

    /// <summary>The lease of an Ok answer; throws the matching Platform exception for a refusal.</summary>
    public static LeaseHolder Check(LeaseResult result, LeaseKind kind, string name) => result.Status switch
    {
        LeaseStatus.Ok when result.Lease is { } lease => lease,
        LeaseStatus.NotConfigured => throw new PlatformNotFoundException(result.Detail ?? $"Semaphore '{name}' has no permits set."),
        _ => throw new PlatformConflictException(result.Detail ?? $"{kind} '{name}' is held by others."),
    };

    private static int? ToMs(TimeSpan? value, string field) => value switch
    {
        null => null,
        { } v when v < TimeSpan.Zero || v.TotalMilliseconds > int.MaxValue => throw new PlatformValidationException(field, $"must be between 0 and {int.MaxValue} ms (got {v})"),
        { } v => (int)Math.Ceiling(v.TotalMilliseconds),
    };
}
