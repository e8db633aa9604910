namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>POST /v1/locks/{name}/acquire</c>; mode is "exclusive" (default) or "shared".</summary>
public sealed record LockAcquireRequest(string? Owner, int? LeaseMs, int? WaitMs, string? Mode);
