using Microsoft.AspNetCore.Mvc;

namespace Platform.Client.Host.Replication;

/// <summary>The header the counter, set and siblings reads take: <c>Platform-Consistency</c> (one, quorum, all; listed in the API document).</summary>
public sealed record ReplicatedDataReadHeaders([property: FromHeader(Name = ReplicationHeaders.Consistency)] string? Consistency);
