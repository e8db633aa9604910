using Platform.Testing.Cluster;

namespace Platform.Tests.Infrastructure;

/// <summary>The fake-clock cluster on Memory storage.</summary>
public sealed class MemoryFakeClockClusterFixture() : FakeClockClusterFixture(StorageMode.Memory);
