using Platform.Discovery;

namespace Platform.Client.Host.Discovery;

/// <summary>A service at <c>index</c>; for a blocking query also the changes after the index asked for, or <c>reset: true</c> when it fell out of the retained window.</summary>
public sealed record ServiceResponse(string Service, long Index, IReadOnlyList<InstanceResponse> Instances, IReadOnlyList<ChangeResponse> Changes, bool Reset, long RetainedFrom)
{
    public static ServiceResponse From(ServiceView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(v.Service, v.Index, [.. v.Instances.Select(InstanceResponse.From)], [.. v.Changes.Select(ChangeResponse.From)], v.Reset, v.RetainedFrom);
    }
}
