namespace Platform.Client.Host.EventLog;

/// <summary>Body of <c>POST /v1/groups/{group}/members</c>; <c>assignor</c> is <c>range</c> (default), <c>round-robin</c> or <c>sticky</c>.</summary>
public sealed record JoinRequest(List<string>? Topics, string? MemberId, string? InstanceId, int? SessionTimeoutMs, string? Assignor);
