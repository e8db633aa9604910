using Platform.Tests.Infrastructure;

namespace Platform.Tests.KeyValue;

/// <summary><see cref="KeyValueSpec"/> on AzureTable storage.</summary>
[Collection(AzureTableClusterCollection.Name)]
public sealed class KeyValueOnAzureTableTests(AzureTableClusterFixture fixture) : KeyValueSpec(fixture);
