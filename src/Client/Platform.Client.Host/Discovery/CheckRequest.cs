namespace Platform.Client.Host.Discovery;

/// <summary>An active check: <c>http</c> (a relative path or an http(s) URL) or <c>tcp: true</c>, with interval, timeout, rise, fall and deregisterAfterMs.</summary>
public sealed record CheckRequest(string? Http, bool? Tcp, int? IntervalMs, int? TimeoutMs, int? Rise, int? Fall, int? DeregisterAfterMs);
