namespace Platform.ClusterTests.History;

/// <summary>A first write of a fresh key that the API acknowledged: sent and answered at these offsets of the run's clock.</summary>
public sealed record AcknowledgedWrite(string Key, string Value, TimeSpan Sent, TimeSpan At);
