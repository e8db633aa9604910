namespace Platform.Testing.Http;

/// <summary>The body of a PUT's 201 or 200.</summary>
public sealed record KeyValueWrite(string Namespace, string Key, long Version);
