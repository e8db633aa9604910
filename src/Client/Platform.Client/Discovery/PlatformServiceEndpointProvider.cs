using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ServiceDiscovery;

namespace Platform.Discovery;

/// <summary>The endpoints of one service from the pushed cache: every instance not critical, each carrying its <see cref="ServiceInstanceFeature"/>; the change token fires on the next change.</summary>
internal sealed class PlatformServiceEndpointProvider(CachedService cached, TimeProvider time, ServiceDiscoveryHttpOptions options) : IServiceEndpointProvider
{
    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        try
        {
            await cached.Ready.WaitAsync(TimeSpan.FromMilliseconds(options.InitialListTimeoutMs), time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // No list yet (the registry is unreachable): nothing from Platform this time; the token below retries.
        }

        var snapshot = cached.Current;
        foreach (var instance in snapshot.Routable)
        {
            var features = new FeatureCollection();
            features.Set(new ServiceInstanceFeature(instance));
            EndPoint endPoint = IPAddress.TryParse(instance.Registration.Address, out var ip)
                ? new IPEndPoint(ip, instance.Registration.Port)
                : new DnsEndPoint(instance.Registration.Address, instance.Registration.Port);
            endpoints.Endpoints.Add(ServiceEndpoint.Create(endPoint, features));
        }

        endpoints.AddChangeToken(snapshot.ChangeToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => $"Platform registry ({cached.Name})";
}
