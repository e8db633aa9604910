namespace Platform.Client.Host.Locks;

/// <summary>Body of <c>renew</c> on locks and semaphores.</summary>
public sealed record LeaseRenewRequest(string? Owner, long? Token, int? LeaseMs);
