using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

[Collection(AzureTableFakeClockClusterCollection.Name)]
public sealed class EventLogRetentionOnAzureTableTests(AzureTableFakeClockClusterFixture fixture) : EventLogRetentionSpec(fixture);
