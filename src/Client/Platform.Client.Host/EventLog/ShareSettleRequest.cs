namespace Platform.Client.Host.EventLog;

/// <summary>Body of <c>POST /v1/topics/{topic}/shares/{group}/ack</c>, <c>/nack</c> and <c>/release</c>.</summary>
public sealed record ShareSettleRequest(List<string?>? LeaseIds);
