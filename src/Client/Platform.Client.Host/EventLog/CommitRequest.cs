namespace Platform.Client.Host.EventLog;

/// <summary>Body of <c>POST /v1/groups/{group}/offsets</c>.</summary>
public sealed record CommitRequest(string? MemberId, long? Generation, List<OffsetBody>? Offsets);
