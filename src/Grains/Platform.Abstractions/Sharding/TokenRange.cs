namespace Platform.Sharding;

/// <summary>A half-open interval (Start, End] of ring tokens.</summary>
public readonly record struct TokenRange(ulong Start, ulong End);
