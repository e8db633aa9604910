using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Transactions.Abstractions;
using Platform.Configuration;
using Platform.KeyValue;
using Platform.Silo.Hosting.Storage;
using Platform.Silo.Hosting.Transactions;
using Platform.Transactions;
using Platform.Transactions.Storage;

namespace Platform.Silo.Hosting;

/// <summary>The transactions block on the silo side: transactional namespaces and <c>POST /v1/txn</c>.</summary>
public static class TransactionsSiloBuilderExtensions
{
    /// <summary>
    /// Orleans transactions, the transactional shards' state storage under <see cref="TransactionStorage.Name"/> in
    /// the provider <c>Platform:Storage:Provider</c> names, and the limits (<c>Platform:Transactions</c>, and the
    /// shards' <c>Platform:KeyValue</c>), checked when the host starts.
    /// </summary>
    public static ISiloBuilder AddPlatformTransactions(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var storage = configuration.ReadValidated<PlatformStorageOptions>(PlatformStorageOptions.SectionName);
        silo.UseTransactions();
        silo.Services.AddSingleton<TransactionMetrics>();
        silo.AddIncomingGrainCallFilter<TransactionMetricsFilter>();

        // Transactional shards load their state only under their activation lease (and fence it): see docs/transactions.md.
        silo.Services.Replace(ServiceDescriptor.Transient<INamedTransactionalStateStorageFactory, LeasedTransactionalStateStorageFactory>());
        silo.Services.AddPlatformOptions<TransactionOptions>(TransactionOptions.SectionName);
        silo.Services.AddPlatformOptions<KeyValueOptions>(KeyValueOptions.SectionName);
        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                // Orleans wraps this grain storage as the shards' transactional state storage.
                silo.AddMemoryGrainStorage(TransactionStorage.Name);
                MemoryStateSerialization.UseOrleansSerializer(silo.Services, TransactionStorage.Name);
                break;
            case StorageProvider.AzureTable:
                silo.AddPlatformTableTransactionalStorage(storage.ConnectionString!, storage.TransactionalStateTableName);
                break;
        }

        return silo;
    }

    /// <summary>
    /// Platform's own Azure Table transactional state storage under <see cref="TransactionStorage.Name"/> (the name transactional
    /// shards' <c>[TransactionalState]</c> uses); Orleans' Azure transactions package is not used.
    /// </summary>
    public static ISiloBuilder AddPlatformTableTransactionalStorage(this ISiloBuilder silo, string connectionString, string tableName = TableTransactionalStateStorageFactory.DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddKeyedSingleton<ITransactionalStateStorageFactory>(TransactionStorage.Name, (sp, _) => new TableTransactionalStateStorageFactory(
            new TableServiceClient(connectionString),
            sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            tableName));
        return silo;
    }
}
