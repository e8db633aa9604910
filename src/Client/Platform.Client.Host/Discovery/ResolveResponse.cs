using Platform.Discovery;

namespace Platform.Client.Host.Discovery;

/// <summary>The instance <c>resolve</c> picked.</summary>
public sealed record ResolveResponse(string Id, string Address, int Port, string Scheme, IReadOnlyDictionary<string, string> Metadata, string? Zone)
{
    public static ResolveResponse From(ServiceInstance i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new(i.Id, i.Registration.Address, i.Registration.Port, i.Registration.Scheme, i.Registration.Metadata, i.Registration.Zone);
    }
}
