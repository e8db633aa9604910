using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary><see cref="KeyValueSpec"/> on Memory storage.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KeyValueOnMemoryTests(ClusterFixture fixture) : KeyValueSpec(fixture);
