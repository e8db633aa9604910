namespace Platform.Sharding;

[GenerateSerializer, Immutable, Alias("Platform.NamespaceCreateResult")]
public sealed record NamespaceCreateResult([property: Id(0)] NamespaceSettings Settings, [property: Id(1)] bool Created);
