using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Platform.Configuration;
using Platform.Silo.Hosting;

namespace Platform.Tests.Cluster;

/// <summary>Platform:Cluster:FailureDetection is validated at start-up and mapped onto Orleans' membership options.</summary>
public sealed class FailureDetectionOptionsTests
{
    private static PlatformClusterOptions Read(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build()
            .ReadValidated<PlatformClusterOptions>(PlatformClusterOptions.SectionName);

    /// <summary>The defaults are the small-cluster tuning and land on ClusterMembershipOptions unchanged.</summary>
    [Fact]
    public void Defaults_AreTunedForASmallClusterAndMapOntoOrleans()
    {
        var options = Read();
        var membership = new ClusterMembershipOptions();

        ClusterSiloBuilderExtensions.ApplyFailureDetection(membership, options.FailureDetection);

        Assert.Equal(TimeSpan.FromSeconds(1), membership.ProbeTimeout);
        Assert.Equal(2, membership.NumMissedProbesLimit);
        Assert.Equal(1, membership.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(2), membership.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.FailureDetection.GatewayListRefreshPeriod);
    }

    /// <summary>A bad value stops start-up with one message naming the key.</summary>
    [Theory]
    [InlineData("ProbeTimeout", "00:00:00", "Platform:Cluster:FailureDetection:ProbeTimeout")]
    [InlineData("NumMissedProbesLimit", "0", "Platform:Cluster:FailureDetection:NumMissedProbesLimit")]
    [InlineData("NumVotesForDeathDeclaration", "0", "Platform:Cluster:FailureDetection:NumVotesForDeathDeclaration")]
    [InlineData("GatewayListRefreshPeriod", "01:00:00", "Platform:Cluster:FailureDetection:GatewayListRefreshPeriod")]
    [InlineData("DeathVoteExpirationTimeout", "00:00:01", "Platform:Cluster:FailureDetection:DeathVoteExpirationTimeout")]
    [InlineData("ProbeTimeout", "soon", "Platform:Cluster:FailureDetection:ProbeTimeout")]
    public void InvalidValue_IsRefusedNamingTheKey(string key, string value, string named)
    {
        var error = Assert.Throws<PlatformConfigurationException>(() => Read(($"Platform:Cluster:FailureDetection:{key}", value)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
