using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.Validation;

namespace Platform.Locks;

/// <summary>
/// The one path to the lease grain for locks, semaphores and elections, whether the caller is .NET code or the HTTP
/// host: name and input checks, the grain calls, refusals turned into exceptions, and handles.
/// </summary>
internal sealed class LockClient(IGrainFactory grains, IOptions<LockOptions> options, TimeProvider time)
{
    public LockOptions Limits => options.Value;

    public TimeProvider Time => time;

    public ILockGrain Grain(LeaseKind kind, string name)
    {
        Checks.Name(name, "name");
        return grains.Grain(kind, name);
    }

    public Task<LeaseView> GetAsync(LeaseKind kind, string name, CancellationToken cancellationToken) =>
        Grain(kind, name).Get().WaitAsync(cancellationToken);

    /// <summary>One acquire without a handle; the grain checks owner, lease, wait, mode and count against the limits.</summary>
    public async Task<LeaseHolder> AcquireAsync(LeaseKind kind, string name, LeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var grain = Grain(kind, name);
        Checks.NotNegative(request.WaitMs, "waitMs");

        // The request's token: a caller that goes away cancels the grain call, and its waiter leaves the queue.
        return Granted(await grain.Acquire(request, cancellationToken), kind, name);
    }

    public async Task<LeaseHolder> RenewAsync(LeaseKind kind, string name, string owner, long token, int? leaseMs, CancellationToken cancellationToken)
    {
        var grain = Grain(kind, name);
        Checks.Text(owner, OwnerField(kind));
        return Granted(await grain.Renew(owner, token, leaseMs).WaitAsync(cancellationToken), kind, name);
    }

    public async Task ReleaseAsync(LeaseKind kind, string name, string owner, long token, CancellationToken cancellationToken)
    {
        var grain = Grain(kind, name);
        Checks.Text(owner, OwnerField(kind));
        Granted(await grain.Release(owner, token).WaitAsync(cancellationToken), kind, name);
    }

    /// <summary>An acquire whose lease a <see cref="LeaseHandle"/> renews in the background.</summary>
    public async Task<ILeaseHandle> AcquireHandleAsync(LeaseKind kind, string name, int count, LeaseOptions options, CancellationToken cancellationToken)
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
        var lease = Granted(await grain.Acquire(request, cancellationToken), kind, name);
        return new LeaseHandle(grain, name, lease, leaseMs, sentAt, options.AutoRenew, time);
    }

    /// <summary>The lease of an Ok answer; a refusal throws <see cref="LeaseConflictException"/>, an unset semaphore <see cref="PlatformNotFoundException"/>.</summary>
    private static LeaseHolder Granted(LeaseResult result, LeaseKind kind, string name) => result.Status switch
    {
        LeaseStatus.Ok when result.Lease is { } lease => lease,
        LeaseStatus.NotConfigured => throw new PlatformNotFoundException(result.Detail ?? $"Semaphore '{name}' has no permits set."),
        _ => throw new LeaseConflictException(result.Detail ?? $"{kind} '{name}' is held by others.", result.Holders, result.QueueLength),
    };

    /// <summary>What the holder is called in the API: an election's candidate, else the owner.</summary>
    private static string OwnerField(LeaseKind kind) => kind == LeaseKind.Election ? "candidate" : "owner";

    private static int? ToMs(TimeSpan? value, string field) => value switch
    {
        null => null,
        { } v when v < TimeSpan.Zero || v.TotalMilliseconds > int.MaxValue => throw new PlatformValidationException(field, $"must be between 0 and {int.MaxValue} ms (got {v})"),
        { } v => (int)Math.Ceiling(v.TotalMilliseconds),
    };
}
