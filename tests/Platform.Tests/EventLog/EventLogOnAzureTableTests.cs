using Platform.Tests.Infrastructure;

namespace Platform.Tests.EventLog;

[Collection(AzureTableClusterCollection.Name)]
public sealed class EventLogOnAzureTableTests(AzureTableClusterFixture fixture) : EventLogSpec(fixture);
