namespace Platform.Sagas;

/// <summary>
/// A step's action or compensation. <c>http</c>: <see cref="Method"/>, <see cref="Url"/>, <see cref="Body"/> (templates)
/// and <see cref="Expect"/> (default any 2xx). <c>kv</c>: <see cref="Op"/> (<c>put</c>, <c>delete</c>),
/// <see cref="Namespace"/>, <see cref="Key"/>, <see cref="Value"/> (templates), <see cref="IfVersion"/>,
/// <see cref="IfAbsent"/>. <c>txn</c>: <see cref="Namespace"/>, <see cref="Ops"/> (one transaction, applied once per
/// idempotency key). <c>lock</c>: <see cref="Op"/> (<c>acquire</c>, <c>release</c>), <see cref="Name"/>,
/// <see cref="LeaseMs"/>, <see cref="WaitMs"/> (the owner is the saga id). <c>produce</c>: <see cref="Topic"/>,
/// <see cref="Key"/>, <see cref="Value"/> (templates; the producer id is the idempotency key). <c>event</c>
/// (choreography): waits on <see cref="Topic"/> for a record keyed <see cref="Key"/> (the correlation id, a template)
/// whose type is <see cref="Done"/> (the step succeeded, its output the record's value) or <see cref="Failed"/> (it
/// failed); the step's timeout bounds the wait.
/// </summary>
[GenerateSerializer, Alias("Platform.SagaOperation")]
public sealed record SagaOperation
{
    [Id(0)] public string Kind { get; init; } = "";

    [Id(1)] public string? Method { get; init; }

    [Id(2)] public string? Url { get; init; }

    [Id(3)] public string? Body { get; init; }

    [Id(4)] public IReadOnlyList<int>? Expect { get; init; }

    [Id(5)] public string? Op { get; init; }

    [Id(6)] public string? Namespace { get; init; }

    [Id(7)] public string? Key { get; init; }

    [Id(8)] public string? Value { get; init; }

    [Id(9)] public long? IfVersion { get; init; }

    [Id(10)] public bool IfAbsent { get; init; }

    /// <summary>The lock of a <c>lock</c> step.</summary>
    [Id(11)] public string? Name { get; init; }

    /// <summary>The lease of a lock <c>acquire</c>, in ms (null: the lock's default).</summary>
    [Id(12)] public int? LeaseMs { get; init; }

    /// <summary>How long a lock <c>acquire</c> waits for the lock, in ms.</summary>
    [Id(13)] public int? WaitMs { get; init; }

    /// <summary>The event-log topic of a <c>produce</c> step.</summary>
    [Id(14)] public string? Topic { get; init; }

    /// <summary>The writes of a <c>txn</c> step.</summary>
    [Id(15)] public IReadOnlyList<SagaTxnOp>? Ops { get; init; }

    /// <summary>The event type that completes an <c>event</c> step.</summary>
    [Id(16)] public string? Done { get; init; }

    /// <summary>The event type that fails an <c>event</c> step (none: only the timeout fails it).</summary>
    [Id(17)] public string? Failed { get; init; }

    /// <summary>Value equality, lists by their items (so a re-put of an identical definition is not a new version).</summary>
    public bool Equals(SagaOperation? other) =>
        other is not null
        && Kind == other.Kind && Method == other.Method && Url == other.Url && Body == other.Body
        && SameItems(Expect, other.Expect)
        && Op == other.Op && Namespace == other.Namespace && Key == other.Key && Value == other.Value
        && IfVersion == other.IfVersion && IfAbsent == other.IfAbsent && Name == other.Name
        && LeaseMs == other.LeaseMs && WaitMs == other.WaitMs && Topic == other.Topic && Done == other.Done && Failed == other.Failed
        && SameItems(Ops, other.Ops);

    public override int GetHashCode() => HashCode.Combine(Kind, Method, Url, Body, Op, Namespace, Key, HashCode.Combine(Value, Name, Topic, Expect?.Count, Ops?.Count, Done, Failed));

    private static bool SameItems<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b));
}
