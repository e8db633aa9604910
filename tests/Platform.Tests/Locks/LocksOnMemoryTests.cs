using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary><see cref="LockSpec"/> on Memory storage.</summary>
[Collection(MemoryLeaseClusterCollection.Name)]
public sealed class LocksOnMemoryTests(MemoryLeaseClusterFixture fixture) : LockSpec(fixture);
