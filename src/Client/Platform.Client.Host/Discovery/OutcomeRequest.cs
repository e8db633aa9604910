namespace Platform.Client.Host.Discovery;

/// <summary>The body of <c>POST .../report</c>: one request's outcome (success false for a 5xx or a timeout), its latency, and whether it closes a resolve.</summary>
public sealed record OutcomeRequest(bool? Success, double? LatencyMs, bool? ClosesPick);
