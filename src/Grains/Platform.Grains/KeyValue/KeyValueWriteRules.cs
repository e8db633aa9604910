using Platform.Errors;
using Platform.Locks;
using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>
/// The decisions every shard kind makes on a single-key write, in one place: input limits, the lock's verdict on a
/// fencing token, If-Match / If-None-Match, and the key's own record of the highest token seen per lock.
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

        if (request.Fence is { } fence && NameRules.CheckName(fence.LockName) is { } fenceError)
        {
            throw new PlatformValidationException("fence", $"lock name {fenceError}");
        }
    }

    /// <summary>
    /// Asks the lock, which re-reads its persisted grants: a refusal when the token was never granted or a higher one
    /// was granted since; null when the write may go on. No call cycle: lease grains never call shards.
    /// </summary>
    public static async Task<KeyValueWriteResult?> CheckLockAsync(IGrainFactory grains, KeyValueFence fence)
    {
        var check = await grains.Grain(LeaseKind.Lock, fence.LockName).CheckFence(fence.Token);
        if (check.Accepted)
        {
            return null;
        }

        return new KeyValueWriteResult
        {
            Status = KeyValueWriteStatus.FenceRejected,
            Detail = check.LastToken < fence.Token
                ? $"Lock '{fence.LockName}' has not granted token {fence.Token} (last granted: {check.LastToken})."
                : $"Lock '{fence.LockName}' has granted token {check.LastToken} since token {fence.Token}.",
        };
    }

    /// <summary>If-None-Match: *, If-Match: "n" and a delete of an absent key; null when the write may go on.</summary>
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
    /// The key's own fence record: a refusal when the key was written with a higher token of the same lock (so a
    /// stale holder that passed the lock's check first still cannot overwrite a newer fenced write); otherwise the
    /// record the new entry carries.
    /// </summary>
    public static KeyValueWriteResult? CheckKeyFence(KeyValueEntry? current, KeyValueWriteRequest request, out Dictionary<string, long>? fences)
    {
        fences = current?.Fences;
        if (request.Fence is not { } fence)
        {
            return null;
        }

        if (fences is not null && fences.TryGetValue(fence.LockName, out var seen) && seen > fence.Token)
        {
            return new KeyValueWriteResult
            {
                Status = KeyValueWriteStatus.FenceRejected,
                Version = current?.Version ?? 0,
                Detail = $"Key '{request.Key}' was written with token {seen} of lock '{fence.LockName}', above {fence.Token}.",
            };
        }

        fences = new Dictionary<string, long>(fences ?? [], StringComparer.Ordinal) { [fence.LockName] = fence.Token };
        return null;
    }
}
