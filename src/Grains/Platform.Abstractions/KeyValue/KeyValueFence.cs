using Platform.Locks;
using Platform.Validation;

namespace Platform.KeyValue;

/// <summary>
/// A fencing token presented with a write (HTTP: <c>Platform-Fence: {LockName}:{Token}</c>). <see cref="LockName"/>
/// names what granted the token: a lock (<c>orders.42</c>, token = the lock's fencing token) or, written
/// <c>election/{name}</c>, an election (token = the leader's term). The write is refused once a higher token (term)
/// was granted, or once the key has seen a higher one from the same lock or election.
/// </summary>
[GenerateSerializer, Immutable, Alias("Platform.KvFence")]
public sealed record KeyValueFence([property: Id(0)] string LockName, [property: Id(1)] long Token)
{
    /// <summary>The prefix of an election's fence name: <c>election/{name}</c> (names never contain '/').</summary>
    public const string ElectionPrefix = "election/";

    /// <summary>A lock's fencing token.</summary>
    public static KeyValueFence ForLock(string name, long token) => new(name, token);

    /// <summary>An election leader's term as a fencing token: <c>election/{name}:{term}</c>.</summary>
    public static KeyValueFence ForElection(string name, long term) => new(ElectionPrefix + name, term);

    /// <summary>The lease grain that granted the token: a lock, or an election for an <c>election/</c> name.</summary>
    public (LeaseKind Kind, string Name) Source() => SourceOf(LockName);

    /// <summary>The lease behind a fence name (see <see cref="Source"/>).</summary>
    public static (LeaseKind Kind, string Name) SourceOf(string lockName)
    {
        ArgumentNullException.ThrowIfNull(lockName);
        return lockName.StartsWith(ElectionPrefix, StringComparison.Ordinal)
            ? (LeaseKind.Election, lockName[ElectionPrefix.Length..])
            : (LeaseKind.Lock, lockName);
    }

    /// <summary>Null when <paramref name="lockName"/> is a lock name or <c>election/{name}</c>; else why not.</summary>
    public static string? CheckName(string? lockName) =>
        lockName is null ? "must not be empty"
        : NameRules.CheckName(SourceOf(lockName).Name) is { } error
            ? $"must be a lock name or election/{{name}}: the name {error}"
            : null;

    /// <summary>"lock 'orders.42'" or "election 'scheduler'", for messages.</summary>
    public static string Describe(string lockName) => SourceOf(lockName) switch
    {
        (LeaseKind.Election, var name) => $"election '{name}'",
        (_, var name) => $"lock '{name}'",
    };
}
