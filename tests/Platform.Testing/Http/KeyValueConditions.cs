namespace Platform.Testing.Http;

/// <summary>The headers of a conditional or fenced key-value request.</summary>
public sealed record KeyValueConditions
{
    /// <summary><c>If-Match: "n"</c>: only at this version (compare-and-set).</summary>
    public long? IfMatch { get; init; }

    /// <summary><c>If-None-Match: *</c> on a write: create only.</summary>
    public bool CreateOnly { get; init; }

    /// <summary><c>If-None-Match: "n"</c> on a read: 304 when the version is still n.</summary>
    public long? IfNoneMatch { get; init; }

    /// <summary><c>Platform-Fence: {lock}:{token}</c>: refused once the lock granted a higher token.</summary>
    public string? FenceLock { get; init; }

    public long FenceToken { get; init; }

    /// <summary>The value's Content-Type on a write (default <c>application/octet-stream</c>).</summary>
    public string? ContentType { get; init; }

    /// <summary><c>Platform-Consistency</c> on a read of a replicated namespace: <c>strong</c>, <c>session</c> or <c>eventual</c>.</summary>
    public string? Consistency { get; init; }

    /// <summary><c>Platform-Session</c>: the session token of earlier answers (reads and writes).</summary>
    public string? Session { get; init; }

    public static KeyValueConditions Version(long version) => new() { IfMatch = version };

    public static KeyValueConditions Fenced(string lockName, long token) => new() { FenceLock = lockName, FenceToken = token };
}
