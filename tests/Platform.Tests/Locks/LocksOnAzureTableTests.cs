using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary><see cref="LockSpec"/> on AzureTable storage.</summary>
[Collection(AzureTableFakeClockClusterCollection.Name)]
public sealed class LocksOnAzureTableTests(AzureTableFakeClockClusterFixture fixture) : LockSpec(fixture);
