using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Configuration;

namespace Platform.Client;

/// <summary>How every client block binds its options: the same steps for each.</summary>
internal static class ClientOptionsExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/> with <c>AddPlatformOptions</c> (checked when the host starts; a bad value
    /// stops it naming the key). A container without a configuration of its own (a plain <c>ServiceCollection</c>)
    /// binds from <paramref name="configuration"/>.
    /// </summary>
    public static IServiceCollection AddClientOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IPlatformOptions
    {
        services.TryAddSingleton(configuration);
        services.TryAddSingleton(TimeProvider.System);
        return services.AddPlatformOptions<T>(section);
    }
}
