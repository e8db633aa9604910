namespace Platform.Testing.Http;

/// <summary>The answer of a produce: each record's position, and whether the batch was a stored retry.</summary>
public sealed record ProduceAnswer(IReadOnlyList<ProducedRecord> Records, bool Duplicate);
