using Platform.Errors;
using Platform.Locks;
using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>
/// The decisions every shard kind makes on a single-key write, in one place: input limits, the lock's verdict on a
/// fencing token, If-Match / If-None-Match, the key's own (bounded) record of the highest token seen per lock, and
/// versions that never repeat: a delete leaves a tombstone with the deleted version and the fence record.
/// </summary>
internal static class KeyValueWriteRules
{
    /// <summary>Limits checked again on the silo, behind the client's checks.</summary>
    public static void Validate(KeyValueWriteRequest request, KeyValueOptions limits)
    {
        if (NameRules.CheckKey(request.Key, limits.MaxKeyBytes) is { } keyError)
        {
            throw new PlatformValidationException("key", keyError);
        }

        if (request.Value is { Length: var length } && length > limits.MaxValueBytes)
        {
            throw new PlatformPayloadTooLargeException($"value is {length} bytes, over the limit of {limits.MaxValueBytes}");
        }

        if (request.Fence is { } fence && KeyValueFence.CheckName(fence.LockName) is { } fenceError)
        {
            throw new PlatformValidationException("fence", fenceError);
        }
    }

    /// <summary>
    /// Asks the lock (or, for an <c>election/{name}</c> fence, the election: its term is the token), which re-reads its
    /// persisted grants: a refusal when the token was never granted or a higher one was granted since; null when the
    /// write may go on. No call cycle: lease grains never call shards.
    /// </summary>
    public static async Task<KeyValueWriteResult?> CheckLockAsync(IGrainFactory grains, KeyValueFence fence)
    {
        var check = await Lease(grains, fence.LockName).CheckFence(fence.Token);
        if (check.Accepted)
        {
            return null;
        }

        var (kind, name) = fence.Source();
        var what = kind == LeaseKind.Election ? $"Election '{name}'" : $"Lock '{name}'";
        var token = kind == LeaseKind.Election ? "term" : "token";
        return new KeyValueWriteResult
        {
            Status = KeyValueWriteStatus.FenceRejected,
            Detail = check.LastToken < fence.Token
                ? $"{what} has not granted {token} {fence.Token} (last granted: {check.LastToken})."
                : $"{what} has granted {token} {check.LastToken} since {token} {fence.Token}.",
        };
    }

    /// <summary>The lease grain behind a fence name: a lock, or an election for <c>election/{name}</c>.</summary>
    private static ILockGrain Lease(IGrainFactory grains, string lockName)
    {
        var (kind, name) = KeyValueFence.SourceOf(lockName);
        return grains.Grain(kind, name);
    }

    /// <summary>The entry callers may see: null for an absent key and for a tombstone.</summary>
    public static KeyValueEntry? Live(KeyValueEntry? stored) => stored is { Deleted: false } ? stored : null;

    /// <summary>The version of a key's next write: above every version it ever had, its tombstone's included.</summary>
    public static long NextVersion(KeyValueEntry? stored) => (stored?.Version ?? 0) + 1;

    /// <summary>What a delete leaves: the deleted version and the fence record, no value.</summary>
    public static KeyValueEntry Tombstone(KeyValueEntry live, Dictionary<string, long>? fences, DateTimeOffset now) => new()
    {
        Key = live.Key,
        Value = [],
        Version = live.Version,
        ModifiedAt = now,
        Fences = fences,
        Deleted = true,
    };

    /// <summary>
    /// Everything a shard decides about one single-key write once the lock (if any) has accepted its token, the same
    /// for every shard kind: the condition, the key's fence record, and the entry to store. Returns the answer;
    /// <paramref name="next"/> is the new entry or the tombstone to store, null when the write is refused.
    /// <paramref name="stored"/> is the key as stored (live, a tombstone, or null); <paramref name="lockTokens"/> the
    /// last granted tokens of the locks in a full fence record (<see cref="NeedsLockTokens"/>).
    /// </summary>
    public static KeyValueWriteResult Decide(
        KeyValueEntry? stored,
        KeyValueWriteRequest request,
        IReadOnlyDictionary<string, long>? lockTokens,
        KeyValueOptions limits,
        DateTimeOffset now,
        out KeyValueEntry? next)
    {
        next = null;
        var live = Live(stored);
        if (CheckCondition(live, request) is { } refused)
        {
            return refused;
        }

        if (CheckKeyFence(stored, request, lockTokens, limits.MaxFencesPerKey, out var fences) is { } stale)
        {
            return stale;
        }

        if (request.Value is null)
        {
            next = Tombstone(live!, fences, now);
            return KeyValueWriteResult.Ok(live!.Version);
        }

        next = new KeyValueEntry
        {
            Key = request.Key,
            Value = request.Value,
            ContentType = request.ContentType,
            Version = NextVersion(stored),
            ModifiedAt = now,
            Fences = fences,
        };
        return KeyValueWriteResult.Ok(next.Version, created: live is null);
    }

    /// <summary>
    /// If-None-Match: *, If-Match: "n" and a delete of an absent key against the live entry <paramref name="current"/>
    /// (null when absent or deleted); null when the write may go on.
    /// </summary>
    public static KeyValueWriteResult? CheckCondition(KeyValueEntry? current, KeyValueWriteRequest request)
    {
        var currentVersion = current?.Version ?? 0;
        if (request.Condition.IfNoneMatch && current is not null)
        {
            return new KeyValueWriteResult { Status = KeyValueWriteStatus.PreconditionFailed, Version = currentVersion, Detail = "The key exists." };
        }

        if (request.Condition.IfMatchVersion is { } expected && expected != currentVersion)
        {
            return new KeyValueWriteResult
            {
                Status = KeyValueWriteStatus.PreconditionFailed,
                Version = currentVersion,
                Detail = current is null ? "The key does not exist." : $"The current version is {currentVersion}.",
            };
        }

        return request.Value is null && current is null ? new KeyValueWriteResult { Status = KeyValueWriteStatus.NotFound } : null;
    }

    /// <summary>
    /// True when deciding <paramref name="request"/> needs the current tokens of the locks in the key's fence record:
    /// the record is full and the write names a lock it does not hold yet.
    /// </summary>
    public static bool NeedsLockTokens(KeyValueEntry? stored, KeyValueWriteRequest request, KeyValueOptions limits) =>
        request.Fence is { } fence
        && stored?.Fences is { } fences
        && fences.Count >= limits.MaxFencesPerKey
        && !fences.ContainsKey(fence.LockName);

    /// <summary>
    /// The last granted token of every lock in the key's fence record but the write's own, each re-read from the
    /// lock's storage (in parallel; at most <see cref="KeyValueOptions.MaxFencesPerKey"/> calls, only for a full record).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, long>> LockTokensAsync(IGrainFactory grains, KeyValueEntry stored, KeyValueFence fence)
    {
        var recorded = (stored.Fences ?? []).Where(p => p.Key != fence.LockName).ToList();
        var checks = await Task.WhenAll(recorded.Select(p => Lease(grains, p.Key).CheckFence(p.Value)));
        var tokens = new Dictionary<string, long>(recorded.Count, StringComparer.Ordinal);
        for (var i = 0; i < recorded.Count; i++)
        {
            tokens[recorded[i].Key] = checks[i].LastToken;
        }

        return tokens;
    }

    /// <summary>
    /// The key's own fence record (kept by its tombstone too): a refusal when the key was written or deleted with a
    /// higher token of the same lock (so a stale holder that passed the lock's check first still cannot overwrite or
    /// re-create a newer fenced write), or when the record is full of locks still at the token the key saw; otherwise
    /// the record the new entry carries. A full record drops the entries whose lock has granted a later token
    /// (<paramref name="lockTokens"/>): the lock itself refuses every token up to the one the key saw.
    /// </summary>
    public static KeyValueWriteResult? CheckKeyFence(
        KeyValueEntry? stored,
        KeyValueWriteRequest request,
        IReadOnlyDictionary<string, long>? lockTokens,
        int maxFences,
        out Dictionary<string, long>? fences)
    {
        fences = stored?.Fences;
        if (request.Fence is not { } fence)
        {
            return null;
        }

        var version = Live(stored)?.Version ?? 0;
        if (fences is not null && fences.TryGetValue(fence.LockName, out var seen) && seen > fence.Token)
        {
            return new KeyValueWriteResult
            {
                Status = KeyValueWriteStatus.FenceRejected,
                Version = version,
                Detail = $"Key '{request.Key}' was written with token {seen} of {KeyValueFence.Describe(fence.LockName)}, above {fence.Token}.",
            };
        }

        var next = new Dictionary<string, long>(fences ?? [], StringComparer.Ordinal) { [fence.LockName] = fence.Token };
        if (next.Count > maxFences && fences is not null && !fences.ContainsKey(fence.LockName))
        {
            foreach (var (name, token) in fences)
            {
                if (lockTokens is not null && lockTokens.TryGetValue(name, out var last) && last > token)
                {
                    next.Remove(name);
                }
            }

            if (next.Count > maxFences)
            {
                fences = stored?.Fences;
                return new KeyValueWriteResult
                {
                    Status = KeyValueWriteStatus.FenceRejected,
                    Version = version,
                    Detail = $"Key '{request.Key}' is fenced by {fences!.Count} locks that have granted no later token since " +
                        $"(Platform:KeyValue:MaxFencesPerKey is {maxFences}); a write fenced by another, {KeyValueFence.Describe(fence.LockName)}, is " +
                        "refused until one of them grants a later token.",
                };
            }
        }

        fences = next;
        return null;
    }
}
