using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using Platform.Validation;

namespace Platform.Discovery;

/// <summary>Plugs the registry into Microsoft.Extensions.ServiceDiscovery: any service name that is a valid Platform name.</summary>
internal sealed class PlatformServiceEndpointProviderFactory(ServiceInstanceCache cache, IOptions<ServiceDiscoveryHttpOptions> options) : IServiceEndpointProviderFactory
{
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (NameRules.CheckName(query.ServiceName) is not null || query.ServiceName is "localhost" || System.Net.IPAddress.TryParse(query.ServiceName, out _))
        {
            provider = null;
            return false;
        }

        provider = new PlatformServiceEndpointProvider(cache.Get(query.ServiceName), cache.Time, options.Value);
        return true;
    }
}
