namespace Platform.Client.Host.Replication;

/// <summary>The body of <c>POST /v1/kv/{ns}/{key}/counter</c>: <c>delta</c>, an integer (negative subtracts).</summary>
public sealed record CounterRequest(long? Delta);
