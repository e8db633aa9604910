namespace Platform.Testing.Http;

/// <summary>One current holder, as status answers and 409 problems list them.</summary>
public sealed record LeaseHolderInfo(string Owner, long Token, string Mode, int Count, DateTimeOffset ExpiresAt);
