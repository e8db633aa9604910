using Platform.Configuration;

namespace Platform.Client.Host.Observability;

/// <summary>The operator console's limits (<c>Platform:Observability</c>).</summary>
public sealed class ObservabilityOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Observability";

    /// <summary>How often the console's stream sends a fresh snapshot, in milliseconds. Default 2000, 250 to 60000.</summary>
    public int ConsoleRefreshMs { get; set; } = 2000;

    /// <summary>
    /// Most items each console panel reads per snapshot (namespaces, locks, topics, groups, sagas, caches,
    /// services): each costs grain calls every refresh. Default 20, 1 to 200.
    /// </summary>
    public int ConsoleMaxItems { get; set; } = 20;

    /// <summary>
    /// Where the console links the Orleans dashboard: default <c>/dashboard</c> on this host when it runs a silo
    /// (embedded) with <c>Platform:Silo:Dashboard</c> on; set it to a silo's dashboard URL for an external client host.
    /// </summary>
    public string? DashboardUrl { get; set; }

    /// <summary>
    /// How often this host reads the membership table for the console's failure-detection events, in milliseconds;
    /// 0 reads it only when a console snapshot is taken. Default 5000, 0 or 250 to 60000.
    /// </summary>
    public int MembershipPollMs { get; set; } = 5000;

    public IEnumerable<string> Validate()
    {
        if (ConsoleRefreshMs is < 250 or > 60_000)
        {
            yield return $"{SectionName}:ConsoleRefreshMs must be 250 to 60000 (got {ConsoleRefreshMs}).";
        }

        if (MembershipPollMs is not 0 and (< 250 or > 60_000))
        {
            yield return $"{SectionName}:MembershipPollMs must be 0 or 250 to 60000 (got {MembershipPollMs}).";
        }

        if (ConsoleMaxItems is < 1 or > 200)
        {
            yield return $"{SectionName}:ConsoleMaxItems must be 1 to 200 (got {ConsoleMaxItems}).";
        }
    }
}
