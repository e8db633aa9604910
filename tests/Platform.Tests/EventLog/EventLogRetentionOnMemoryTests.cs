using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

[Collection(MemoryFakeClockClusterCollection.Name)]
public sealed class EventLogRetentionOnMemoryTests(MemoryFakeClockClusterFixture fixture) : EventLogRetentionSpec(fixture);
