namespace Platform.Testing.Http;

/// <summary>Where one produced record went.</summary>
public sealed record ProducedRecord(int Partition, long Offset);
