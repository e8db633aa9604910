using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;
using Platform.Sharding;

namespace Platform.Transactions;

public static class TransactionsClientExtensions
{
    /// <summary>
    /// Multi-key transactions (<c>Platform:Transactions</c>), started with <c>IKeyValueStore.Transaction(ns)</c>;
    /// routes through <see cref="ShardingClientExtensions.AddShardingClient"/>.
    /// </summary>
    public static IServiceCollection AddTransactionsClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<TransactionOptions>(configuration, TransactionOptions.SectionName);
        services.AddShardingClient(configuration);
        services.TryAddSingleton<TransactionClient>();
        return services;
    }
}
