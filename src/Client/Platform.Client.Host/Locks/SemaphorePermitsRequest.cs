namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>PUT /v1/semaphores/{name}</c>.</summary>
public sealed record SemaphorePermitsRequest(int? Permits);
