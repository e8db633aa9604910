namespace Platform.Sagas;

/// <summary>The step operations of <see cref="SagaDefinitionBuilder"/>, one factory per kind; string arguments are templates where the kind allows.</summary>
public static class SagaOps
{
    /// <summary>An <c>http</c> call; <paramref name="expect"/> lists the accepted statuses (default any 2xx).</summary>
    public static SagaOperation Http(string method, string url, string? body = null, params int[] expect) =>
        new() { Kind = "http", Method = method, Url = url, Body = body, Expect = expect.Length > 0 ? expect : null };

    /// <summary>A <c>kv</c> put, optionally only if the key is absent or at a version.</summary>
    public static SagaOperation Put(string ns, string key, string value, bool ifAbsent = false, long? ifVersion = null) =>
        new() { Kind = "kv", Op = "put", Namespace = ns, Key = key, Value = value, IfAbsent = ifAbsent, IfVersion = ifVersion };

    /// <summary>A <c>kv</c> delete.</summary>
    public static SagaOperation Delete(string ns, string key) => new() { Kind = "kv", Op = "delete", Namespace = ns, Key = key };

    /// <summary>A <c>txn</c>: the writes as one transaction in a transactional namespace, applied once per idempotency key.</summary>
    public static SagaOperation Txn(string ns, params SagaTxnOp[] ops) => new() { Kind = "txn", Namespace = ns, Ops = ops };

    /// <summary>A put inside <see cref="Txn"/>.</summary>
    public static SagaTxnOp TxnPut(string key, string value) => new() { Op = "put", Key = key, Value = value };

    /// <summary>A delete inside <see cref="Txn"/>.</summary>
    public static SagaTxnOp TxnDelete(string key) => new() { Op = "delete", Key = key };

    /// <summary>An add of a signed amount inside <see cref="Txn"/>.</summary>
    public static SagaTxnOp TxnAdd(string key, long amount) => new() { Op = "add", Key = key, Amount = amount };

    /// <summary>A <c>lock</c> acquire (owner: the saga id); its output <c>token</c> is the fencing token.</summary>
    public static SagaOperation Acquire(string name, int? leaseMs = null, int? waitMs = null) =>
        new() { Kind = "lock", Op = "acquire", Name = name, LeaseMs = leaseMs, WaitMs = waitMs };

    /// <summary>A <c>lock</c> release of the saga's grant (not held is done).</summary>
    public static SagaOperation Release(string name) => new() { Kind = "lock", Op = "release", Name = name };

    /// <summary>A <c>produce</c> of one record to an event-log topic, appended once per idempotency key.</summary>
    public static SagaOperation Produce(string topic, string value, string? key = null) =>
        new() { Kind = "produce", Topic = topic, Value = value, Key = key };

    /// <summary>
    /// A choreography step: wait on <paramref name="topic"/> for a record keyed <paramref name="correlation"/> (a
    /// template, typically <c>{{sagaId}}</c>) whose type is <paramref name="done"/> or <paramref name="failed"/>.
    /// </summary>
    public static SagaOperation Event(string topic, string correlation, string done, string? failed = null) =>
        new() { Kind = "event", Topic = topic, Key = correlation, Done = done, Failed = failed };
}
