using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

[Collection(ClusterCollection.Name)]
public sealed class EventLogOnMemoryTests(ClusterFixture fixture) : EventLogSpec(fixture);
