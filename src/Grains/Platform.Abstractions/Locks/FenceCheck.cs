namespace Platform.Locks;

/// <summary>Whether a fencing token may still write: it was granted and no higher token of its lock has been granted since.</summary>
[GenerateSerializer, Immutable, Alias("Platform.FenceCheck")]
public sealed record FenceCheck([property: Id(0)] bool Accepted, [property: Id(1)] long LastToken);
