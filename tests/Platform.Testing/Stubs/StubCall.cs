namespace Platform.Testing.Stubs;

/// <summary>One call a <see cref="StubService"/> received: path, <c>Idempotency-Key</c> and body.</summary>
public sealed record StubCall(string Path, string? Key, string Body);
