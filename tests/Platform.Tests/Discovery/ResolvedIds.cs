using Platform.Discovery;
using Platform.Errors;

namespace Platform.Tests.Discovery;

/// <summary>What round-robin resolve hands out over a few picks: the ids it reached (none when no instance is healthy).</summary>
internal static class ResolvedIds
{
    public static async Task<HashSet<string>> ResolvedAsync(this IServiceDiscovery discovery, string service, int picks)
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < picks; i++)
        {
            try
            {
                ids.Add((await discovery.ResolveAsync(service, new ResolveRequest())).Id);
            }
            catch (PlatformNotFoundException)
            {
            }
        }

        return ids;
    }
}
