namespace Platform.Testing.Http;

/// <summary>The body type of calls whose answers are not read as JSON.</summary>
internal sealed class NoBody;
