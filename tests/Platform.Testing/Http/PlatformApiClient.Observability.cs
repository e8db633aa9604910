using System.Text.Json;

namespace Platform.Testing.Http;

/// <summary>The operator console's snapshot, as its page reads it.</summary>
public sealed partial class PlatformApiClient
{
    /// <summary>
    /// The cluster panel's membership events of <c>GET /console/snapshot</c>, newest first; empty when the snapshot
    /// did not answer (it can outlast the request timeout while a killed silo is not yet declared dead) or its
    /// cluster panel failed.
    /// </summary>
    public async Task<List<ConsoleMembershipEvent>> GetMembershipEventsAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await GetAsync("/console/snapshot", cancellationToken);
        if (!snapshot.IsSuccess)
        {
            return [];
        }

        using var json = JsonDocument.Parse(snapshot.Body);
        return json.RootElement.GetProperty("cluster").TryGetProperty("events", out var list)
            ? [.. list.EnumerateArray().Select(e => new ConsoleMembershipEvent(
                e.GetProperty("silo").GetString()!, e.GetProperty("generation").GetInt32(), e.GetProperty("kind").GetString()!,
                e.TryGetProperty("by", out var by) ? by.GetString() : null, e.GetProperty("at").GetDateTimeOffset(), e.GetProperty("source").GetString()!))]
            : [];
    }
}
