using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary><see cref="LockSpec"/> on AzureTable storage.</summary>
[Collection(AzureTableLeaseClusterCollection.Name)]
public sealed class LocksOnAzureTableTests(AzureTableLeaseClusterFixture fixture) : LockSpec(fixture);
