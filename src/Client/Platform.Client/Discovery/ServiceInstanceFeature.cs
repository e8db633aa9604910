namespace Platform.Discovery;

/// <summary>The registry's instance behind a Microsoft.Extensions.ServiceDiscovery endpoint (in its <c>Features</c>).</summary>
public sealed class ServiceInstanceFeature(ServiceInstance instance)
{
    public ServiceInstance Instance { get; } = instance;
}
