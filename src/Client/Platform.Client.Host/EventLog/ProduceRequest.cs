namespace Platform.Client.Host.EventLog;

/// <summary>Body of <c>POST /v1/topics/{topic}/records</c>; <c>producerId</c>, <c>epoch</c> and <c>sequence</c> together make it idempotent.</summary>
public sealed record ProduceRequest(List<ProduceRecordBody>? Records, string? ProducerId, int? Epoch, long? Sequence);
