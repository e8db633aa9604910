using Microsoft.AspNetCore.Mvc;
using Platform.Client.Host.Replication;

namespace Platform.Client.Host.KeyValue;

/// <summary>The headers a key-value read takes for replicated namespaces (listed in the API document).</summary>
public sealed record KeyValueReadHeaders(
    [property: FromHeader(Name = ReplicationHeaders.Consistency)] string? Consistency,
    [property: FromHeader(Name = ReplicationHeaders.Session)] string? Session);
