namespace Platform.Testing.Http;

/// <summary>One shard of a <see cref="ShardMap"/>; ranges (decimal token strings) only when asked for.</summary>
public sealed record ShardMapItem(int Shard, string Grain, string Silo, long Keys, long Bytes, double Ownership, IReadOnlyList<string[]>? Ranges);
