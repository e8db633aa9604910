using Platform.Configuration;
using Platform.Transactions.Storage;
using System.Text.RegularExpressions;

namespace Platform.Silo.Hosting.Storage;

/// <summary>Grain state storage (<c>Platform:Storage</c>).</summary>
public sealed partial class PlatformStorageOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Storage";

    /// <summary><c>Memory</c> (default) or <c>AzureTable</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    /// <summary>The Azure Table storage connection string (AzureTable only; Azurite's works).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table of the key-value shards (AzureTable only). Default <c>PlatformShards</c>.</summary>
    public string ShardTableName { get; set; } = "PlatformShards";

    /// <summary>Table of Orleans grain state, default and PubSubStore (AzureTable only). Default <c>PlatformGrainState</c>.</summary>
    public string GrainStateTableName { get; set; } = "PlatformGrainState";

    /// <summary>Table of replica groups' Raft state: term, vote, log and snapshots (AzureTable only). Default <c>PlatformReplicas</c>.</summary>
    public string ReplicaTableName { get; set; } = "PlatformReplicas";

    /// <summary>Table of transactional shards' Orleans transactional state (AzureTable only). Default <c>PlatformTxnState</c>.</summary>
    public string TransactionalStateTableName { get; set; } = TableTransactionalStateStorageFactory.DefaultTableName;

    /// <summary>Table of the event log's partitions (AzureTable only). Default <c>PlatformLog</c>.</summary>
    public string EventLogTableName { get; set; } = "PlatformLog";

    /// <summary>
    /// Test only, unsafe: lets a silo of a multi-silo cluster (<c>Platform:Cluster:Provider=AdoNet</c>) run on
    /// <c>Memory</c> storage, which loses every namespace, key, lock and transaction a silo held when it stops. Default
    /// false: that combination stops the silo at start-up (exit code 2). For test rigs whose silos share one process's
    /// memory stores, or that mean to show the loss; never in production.
    /// </summary>
    public bool AllowVolatileInCluster { get; set; }

    public IEnumerable<string> Validate()
    {
        if (Provider == StorageProvider.AzureTable && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{SectionName}:ConnectionString is required when {SectionName}:Provider is AzureTable.";
        }

        if (!TableName().IsMatch(ShardTableName))
        {
            yield return $"{SectionName}:ShardTableName must be 3-63 letters and digits starting with a letter (got '{ShardTableName}').";
        }

        if (!TableName().IsMatch(GrainStateTableName))
        {
            yield return $"{SectionName}:GrainStateTableName must be 3-63 letters and digits starting with a letter (got '{GrainStateTableName}').";
        }

        if (!TableName().IsMatch(ReplicaTableName))
        {
            yield return $"{SectionName}:ReplicaTableName must be 3-63 letters and digits starting with a letter (got '{ReplicaTableName}').";
        }

        if (!TableName().IsMatch(EventLogTableName))
        {
            yield return $"{SectionName}:EventLogTableName must be 3-63 letters and digits starting with a letter (got '{EventLogTableName}').";
        }

        if (!TableName().IsMatch(TransactionalStateTableName))
        {
            yield return $"{SectionName}:TransactionalStateTableName must be 3-63 letters and digits starting with a letter (got '{TransactionalStateTableName}').";
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
