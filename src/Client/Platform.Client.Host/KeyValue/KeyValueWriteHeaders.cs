using Microsoft.AspNetCore.Mvc;
using Platform.Client.Host.Api;
using Platform.Client.Host.Replication;

namespace Platform.Client.Host.KeyValue;

/// <summary>
/// The headers a key-value write reads: its condition, its fencing token and (replicated namespaces) the session
/// to advance, (multi-leader siblings namespaces) the causal context of the siblings it replaces, and (quorum
/// namespaces) the write level, <c>Platform-Consistency: one | quorum | all</c> in place of W (listed in the API document).
/// </summary>
public sealed record KeyValueWriteHeaders(
    [property: FromHeader(Name = HttpConditions.IfMatch)] string? IfMatch,
    [property: FromHeader(Name = HttpConditions.IfNoneMatch)] string? IfNoneMatch,
    [property: FromHeader(Name = Fences.Header)] string? Fence,
    [property: FromHeader(Name = ReplicationHeaders.Session)] string? Session = null,
    [property: FromHeader(Name = ReplicationApi.ContextHeader)] string? Context = null,
    [property: FromHeader(Name = ReplicationHeaders.Consistency)] string? Consistency = null);
