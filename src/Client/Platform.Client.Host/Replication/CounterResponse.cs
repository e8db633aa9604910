namespace Platform.Client.Host.Replication;

/// <summary>A PN-counter's value, as decimal text (an integer an operation computes on).</summary>
public sealed record CounterResponse(string Key, string Value);
