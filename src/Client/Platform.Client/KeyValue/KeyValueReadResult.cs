using Platform.Replication;

namespace Platform.KeyValue;

/// <summary>A read's answer: the entry (null if absent), who served it (replicated namespaces), and the session advanced by it.</summary>
public sealed record KeyValueReadResult(KeyValueEntry? Entry, ReplicaServed? Served, SessionToken? Session);
