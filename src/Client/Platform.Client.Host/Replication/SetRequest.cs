namespace Platform.Client.Host.Replication;

/// <summary>The body of <c>POST /v1/kv/{ns}/{key}/set</c>: exactly one of <c>add</c> or <c>remove</c>, an element.</summary>
public sealed record SetRequest(string? Add, string? Remove);
