using Platform.Configuration;
namespace Platform.Locks;

/// <summary>
/// Limits of locks, semaphores and elections (<c>Platform:Locks</c>); enforced by the lease grains (authoritative)
/// and checked early by clients.
/// </summary>
public sealed class LockOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Locks";

    /// <summary>
    /// The highest <see cref="MaxWaitMs"/> allowed: a waiting acquire is one grain call, and Orleans' default response
    /// timeout is 30 s, so a wait must end (granted or refused) well before that.
    /// </summary>
    public const int WaitCeilingMs = 25_000;

    /// <summary>Lease of an acquire that names none. Default 10000 ms.</summary>
    public int DefaultLeaseMs { get; set; } = 10_000;

    /// <summary>Shortest lease an acquire or renew may ask for. Default 100 ms.</summary>
    public int MinLeaseMs { get; set; } = 100;

    /// <summary>Longest lease an acquire or renew may ask for. Default 300000 ms (5 min).</summary>
    public int MaxLeaseMs { get; set; } = 300_000;

    /// <summary>Longest <c>waitMs</c> an acquire may ask for. Default 20000 ms; at most 25000 (below the 30 s grain call timeout).</summary>
    public int MaxWaitMs { get; set; } = 20_000;

    /// <summary>Most requests queued on one lock, semaphore or election; one more is refused with 409. Default 10000.</summary>
    public int MaxWaiters { get; set; } = 10_000;

    /// <summary>
    /// The most bytes the holders of one lock, semaphore or election may take in storage: its whole state is one
    /// grain-state row, and one Azure Table row holds about 750 KiB of state once it is base64-encoded on the wire
    /// (Azurite refuses a replaced entity over 1 MiB of JSON). <see cref="MaxHolders"/> times
    /// <see cref="HolderBytes"/>(<see cref="MaxOwnerLength"/>) must stay within it; checked at start-up.
    /// </summary>
    public const int MaxStateBytes = 640 * 1024;

    /// <summary>A bound on one holder's serialized size besides its owner (JSON with type names: token, mode, count, two timestamps).</summary>
    public const int HolderOverheadBytes = 400;

    /// <summary>Most holders of one lock or semaphore at a time (shared holders of a lock included). Default 500 (bounded by <see cref="MaxStateBytes"/>).</summary>
    public int MaxHolders { get; set; } = 500;

    /// <summary>Largest <c>permits</c> of a semaphore. Default 1000000.</summary>
    public int MaxPermits { get; set; } = 1_000_000;

    /// <summary>Longest owner or candidate name in characters. Default 256.</summary>
    public int MaxOwnerLength { get; set; } = 256;

    /// <summary>How long one watch round waits in the grain for a change before it asks again. Default 15000 ms; at most 25000.</summary>
    public int WatchPollMs { get; set; } = 15_000;

    /// <summary>
    /// A bound on one holder's stored size with an owner of <paramref name="maxOwnerLength"/> characters: at most 3 UTF-8
    /// bytes per character (JSON escapes of quotes and backslashes take 2, surrogate pairs 4 for 2 characters;
    /// control characters are refused) plus <see cref="HolderOverheadBytes"/>.
    /// </summary>
    public static long HolderBytes(int maxOwnerLength) => (3L * maxOwnerLength) + HolderOverheadBytes;

    /// <summary>Checks every limit; returns one message per bad key, naming it.</summary>
    public IEnumerable<string> Validate()
    {
        if (MinLeaseMs < 1)
        {
            yield return $"{SectionName}:MinLeaseMs must be at least 1 (got {MinLeaseMs}).";
        }

        if (MaxLeaseMs < MinLeaseMs)
        {
            yield return $"{SectionName}:MaxLeaseMs must be at least MinLeaseMs ({MinLeaseMs}) (got {MaxLeaseMs}).";
        }

        if (DefaultLeaseMs < MinLeaseMs || DefaultLeaseMs > MaxLeaseMs)
        {
            yield return $"{SectionName}:DefaultLeaseMs must be between MinLeaseMs ({MinLeaseMs}) and MaxLeaseMs ({MaxLeaseMs}) (got {DefaultLeaseMs}).";
        }

        if (MaxWaitMs is < 0 or > WaitCeilingMs)
        {
            yield return $"{SectionName}:MaxWaitMs must be between 0 and {WaitCeilingMs} (below the 30 s grain call timeout) (got {MaxWaitMs}).";
        }

        if (MaxWaiters < 0)
        {
            yield return $"{SectionName}:MaxWaiters must not be negative (got {MaxWaiters}).";
        }

        if (MaxHolders < 1)
        {
            yield return $"{SectionName}:MaxHolders must be at least 1 (got {MaxHolders}).";
        }

        if (MaxHolders >= 1 && MaxOwnerLength is >= 1 and <= 4096 && (long)MaxHolders * HolderBytes(MaxOwnerLength) > MaxStateBytes)
        {
            yield return $"{SectionName}:MaxHolders × (3 × MaxOwnerLength + {HolderOverheadBytes}) must be at most {MaxStateBytes} bytes, what one lock's state may take in its one " +
                $"grain-state row (got {MaxHolders} × {HolderBytes(MaxOwnerLength)} = {(long)MaxHolders * HolderBytes(MaxOwnerLength)}); lower MaxHolders or MaxOwnerLength.";
        }

        if (MaxPermits < 1)
        {
            yield return $"{SectionName}:MaxPermits must be at least 1 (got {MaxPermits}).";
        }

        if (MaxOwnerLength is < 1 or > 4096)
        {
            yield return $"{SectionName}:MaxOwnerLength must be between 1 and 4096 (got {MaxOwnerLength}).";
        }

        if (WatchPollMs is < 100 or > WaitCeilingMs)
        {
            yield return $"{SectionName}:WatchPollMs must be between 100 and {WaitCeilingMs} (got {WatchPollMs}).";
        }
    }
}
