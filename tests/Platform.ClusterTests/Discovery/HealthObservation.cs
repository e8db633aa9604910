namespace Platform.ClusterTests.Discovery;

/// <summary>One instance as one <c>GET /v1/services/{service}</c> showed it: when the read started and answered, health, the checker's silo and the last probe.</summary>
public sealed record HealthObservation(DateTimeOffset Sent, DateTimeOffset Answered, string Instance, string Health, string? CheckedBy, DateTimeOffset? LastCheckAt);
