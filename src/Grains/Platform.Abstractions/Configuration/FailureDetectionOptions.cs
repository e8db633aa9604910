namespace Platform.Configuration;

/// <summary>
/// How fast a silo that stopped answering is declared dead (<c>Platform:Cluster:FailureDetection</c>). Mapped onto
/// Orleans' <c>ClusterMembershipOptions</c> (silos) and <c>GatewayOptions</c> (clients). The defaults suit a small
/// cluster on one network: a SIGKILLed silo is declared dead in about 1-3 s (docs/cluster.md has the figures);
/// Orleans' own defaults take over 10 s.
/// </summary>
public sealed class FailureDetectionOptions : IPlatformOptions
{
    public const string SectionName = PlatformClusterOptions.SectionName + ":FailureDetection";

    /// <summary>How long a silo waits for a probe answer before counting it missed. Default 1 s (Orleans: 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row before a silo suspects another. Default 2 (Orleans: 3).</summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>Suspicions needed to declare a silo dead. Default 1, so a 2-silo cluster can act (Orleans: 2).</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 1;

    /// <summary>How often each silo re-reads the membership table. Default 2 s (Orleans: 60 s).</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a suspicion vote counts. Default 30 s (Orleans: 2 min).</summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a silo writes its "I am alive" time to the table (diagnostics only). Default 10 s (Orleans: 5 min).</summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a client re-reads the gateway list. Default 2 s (Orleans: 1 min).</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value, min, max) in new (string, TimeSpan, TimeSpan, TimeSpan)[]
        {
            (nameof(ProbeTimeout), ProbeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
            (nameof(TableRefreshTimeout), TableRefreshTimeout, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10)),
            (nameof(DeathVoteExpirationTimeout), DeathVoteExpirationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            (nameof(IAmAliveTablePublishTimeout), IAmAliveTablePublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            (nameof(GatewayListRefreshPeriod), GatewayListRefreshPeriod, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10)),
        })
        {
            if (value < min || value > max)
            {
                yield return $"{SectionName}:{name} must be between {min} and {max} (got {value}).";
            }
        }

        if (NumMissedProbesLimit is < 1 or > 20)
        {
            yield return $"{SectionName}:NumMissedProbesLimit must be between 1 and 20 (got {NumMissedProbesLimit}).";
        }

        if (NumVotesForDeathDeclaration is < 1 or > 20)
        {
            yield return $"{SectionName}:NumVotesForDeathDeclaration must be between 1 and 20 (got {NumVotesForDeathDeclaration}).";
        }

        if (DeathVoteExpirationTimeout <= ProbeTimeout * NumMissedProbesLimit)
        {
            yield return $"{SectionName}:DeathVoteExpirationTimeout ({DeathVoteExpirationTimeout}) must exceed ProbeTimeout x NumMissedProbesLimit ({ProbeTimeout * NumMissedProbesLimit}), or votes expire before they add up.";
        }
    }
}
