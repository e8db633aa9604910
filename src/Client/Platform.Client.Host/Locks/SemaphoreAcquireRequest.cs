namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>POST /v1/semaphores/{name}/acquire</c>; count defaults to 1.</summary>
public sealed record SemaphoreAcquireRequest(string? Owner, int? Count, int? LeaseMs, int? WaitMs);
