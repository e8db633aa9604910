namespace Platform.Testing.Http;

/// <summary>A granted or renewed lock or semaphore lease; count only for semaphores.</summary>
public sealed record LeaseGrant(long Token, string Owner, string Mode, DateTimeOffset ExpiresAt, int? Count);
