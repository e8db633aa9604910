namespace Platform.Testing.Http;

/// <summary>One operation's result: found, version, and the value of a get or add.</summary>
public sealed record TransactionOpAnswer(string Op, string Key, bool Found, long Version, string? ValueBase64, string? Value, string? ContentType);
