namespace Platform.Replication.Quorum;

/// <summary>One key's state in its canonical bytes (<see cref="Crdt.KeyStateCodec"/>).</summary>
[GenerateSerializer, Immutable, Alias("Platform.VersionedEntry")]
public sealed record VersionedEntry([property: Id(0)] string Key, [property: Id(1)] byte[] State);
