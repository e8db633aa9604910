namespace Platform.KeyValue.Storage;

/// <summary>
/// A shard's activation lease: the activation (<see cref="Holder"/>, a random id per activation) that may serve the
/// shard from memory, for <see cref="Duration"/> after it last wrote this lease. <see cref="TimeSpan.Zero"/>: released.
/// </summary>
public sealed record ShardLease(string Holder, TimeSpan Duration);

/// <summary>A lease as the storage holds it, with the ETag the next lease write must present.</summary>
public sealed record StoredShardLease(ShardLease Lease, string ETag);
