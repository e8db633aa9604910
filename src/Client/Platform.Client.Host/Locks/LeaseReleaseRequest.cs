namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>release</c> on locks and semaphores.</summary>
public sealed record LeaseReleaseRequest(string? Owner, long? Token);
