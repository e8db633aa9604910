using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Configuration;

namespace Platform.Client;

/// <summary>How every client block binds its options: the same three steps for each.</summary>
internal static class ClientOptionsExtensions
{
    /// <summary>
    /// Checks <paramref name="section"/> of <paramref name="configuration"/> now (a bad value throws
    /// <see cref="PlatformConfigurationException"/> naming the key), then binds it with <c>AddPlatformOptions</c>
    /// (validated again on start). A container without a configuration (plain <c>ServiceCollection</c>) gets this one.
    /// </summary>
    public static IServiceCollection AddClientOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IPlatformOptions, new()
    {
        configuration.ReadValidated<T>(section);
        services.TryAddSingleton(configuration);
        services.TryAddSingleton(TimeProvider.System);
        return services.AddPlatformOptions<T>(section);
    }
}
