using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary><see cref="LockSpec"/> on Memory storage.</summary>
[Collection(MemoryFakeClockClusterCollection.Name)]
public sealed class LocksOnMemoryTests(MemoryFakeClockClusterFixture fixture) : LockSpec(fixture);
