using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Client;
using Platform.KeyValue;
using Platform.Sharding;

namespace Platform.EventLog;

public static class EventLogClientExtensions
{
    /// <summary>The event log, <see cref="IEventLog"/> (<c>Platform:EventLog</c>), keyed records hashed on the key-value store's ring.</summary>
    public static IServiceCollection AddEventLogClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddClientOptions<EventLogOptions>(configuration, EventLogOptions.SectionName);
        services.AddClientOptions<KeyValueOptions>(configuration, KeyValueOptions.SectionName);
        services.TryAddSingleton<HashRingCache>();
        services.TryAddSingleton<IEventLog, EventLogClient>();
        return services;
    }
}
