using Platform.Testing.Cluster;

namespace Platform.Tests.Infrastructure;

/// <summary>The lease cluster on Memory storage.</summary>
public sealed class MemoryLeaseClusterFixture() : LeaseClusterFixture(StorageMode.Memory);
