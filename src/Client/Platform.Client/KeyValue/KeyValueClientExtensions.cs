using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;
using Platform.Sharding;
using Platform.Transactions;

namespace Platform.KeyValue;

public static class KeyValueClientExtensions
{
    /// <summary>
    /// The key-value store, <see cref="IKeyValueStore"/> (<c>Platform:KeyValue</c>), with what it stands on: routing
    /// (<see cref="ShardingClientExtensions.AddShardingClient"/>) and transactions (its <c>Transaction(ns)</c>).
    /// </summary>
    public static IServiceCollection AddKeyValueClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<KeyValueOptions>(configuration, KeyValueOptions.SectionName);
        services.AddShardingClient(configuration);
        services.AddTransactionsClient(configuration);
        services.TryAddSingleton<IKeyValueStore, KeyValueStore>();
        return services;
    }
}
