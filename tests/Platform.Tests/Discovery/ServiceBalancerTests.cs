using System.Globalization;
using Platform.Discovery;

namespace Platform.Tests.Discovery;

/// <summary>Every resolve strategy on its own, without a cluster, with the figures.</summary>
public sealed class ServiceBalancerTests
{
    private static ServiceInstance Instance(string id, int weight = 1, string? zone = null) => new()
    {
        Id = id,
        Registration = new ServiceRegistration { Address = "127.0.0.1", Port = 8000, Weight = weight, Zone = zone },
    };

    private static List<ServiceInstance> Instances(int n) =>
        [.. Enumerable.Range(0, n).Select(i => Instance("i" + i.ToString("D2", CultureInfo.InvariantCulture)))];

    private static string Pick(ServiceBalancer balancer, IReadOnlyList<ServiceInstance> instances, ResolveStrategy strategy, string? key = null, string? zone = null, bool close = true)
    {
        var picked = balancer.Pick(instances, new ResolveRequest { Strategy = strategy, Key = key, Zone = zone })!;
        if (close)
        {
            balancer.Report(picked.Id, null);
        }

        return picked.Id;
    }

    /// <summary>Weighted round robin gives each instance its weight's share within 5% over 10,000 picks.</summary>
    [Fact]
    public void Weighted_MatchesTheWeightsWithinFivePercent_Over10000Picks()
    {
        var instances = new List<ServiceInstance> { Instance("a", 5), Instance("b", 3), Instance("c", 1), Instance("d", 1) };
        var balancer = new ServiceBalancer();
        var counts = Enumerable.Range(0, 10_000).Select(_ => Pick(balancer, instances, ResolveStrategy.Weighted)).CountBy(id => id).ToDictionary();
        foreach (var instance in instances)
        {
            var expected = 10_000.0 * instance.Registration.Weight / 10;
            Assert.InRange(counts[instance.Id], expected * 0.95, expected * 1.05);
        }
    }

    /// <summary>Round robin takes each instance in turn; weight 0 drains an instance under every strategy.</summary>
    [Fact]
    public void RoundRobin_TakesEachInTurn_AndWeightZeroIsNeverPicked()
    {
        var instances = new List<ServiceInstance> { Instance("a"), Instance("b"), Instance("c", 0) };
        var balancer = new ServiceBalancer();
        Assert.Equal(["a", "b", "a", "b"], Enumerable.Range(0, 4).Select(_ => Pick(balancer, instances, ResolveStrategy.RoundRobin)));
        foreach (var strategy in Enum.GetValues<ResolveStrategy>())
        {
            Assert.DoesNotContain("c", Enumerable.Range(0, 50).Select(i => Pick(balancer, instances, strategy, "k" + i)));
        }

        Assert.Null(balancer.Pick([Instance("z", 0)], new ResolveRequest()));
    }

    /// <summary>Consistent hashing moves at most 1.2/N of 10,000 keys when an instance joins, and when one leaves.</summary>
    [Theory]
    [InlineData(10)]
    [InlineData(5)]
    public void ConsistentHash_JoinOrLeave_MovesAtMostOnePointTwoOverNOfTheKeys(int n)
    {
        var keys = Enumerable.Range(0, 10_000).Select(i => "user-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var before = Instances(n);
        var joined = Instances(n + 1);
        var left = before.Skip(1).ToList();

        Dictionary<string, string> Assign(List<ServiceInstance> set)
        {
            var balancer = new ServiceBalancer();
            return keys.ToDictionary(k => k, k => Pick(balancer, set, ResolveStrategy.ConsistentHash, k, close: false));
        }

        var start = Assign(before);
        var afterJoin = Assign(joined);
        var afterLeave = Assign(left);
        var movedOnJoin = keys.Count(k => start[k] != afterJoin[k]) / (double)keys.Count;
        var movedOnLeave = keys.Count(k => start[k] != afterLeave[k]) / (double)keys.Count;
        Assert.True(movedOnJoin <= 1.2 / (n + 1), $"join of instance {n + 1} moved {movedOnJoin:P2} of keys (bound {1.2 / (n + 1):P2})");
        Assert.True(movedOnLeave <= 1.2 / n, $"leave of one of {n} moved {movedOnLeave:P2} of keys (bound {1.2 / n:P2})");
    }

    /// <summary>With bounded loads no instance holds more than ceil(1.25 × keys / instances) keys, and a key keeps its instance.</summary>
    [Fact]
    public void ConsistentHash_BoundedLoads_NoInstanceExceedsItsShare_AndAKeyStays()
    {
        var instances = Instances(7);
        var balancer = new ServiceBalancer(boundedLoadFactor: 1.25);
        var first = new Dictionary<string, string>();
        for (var i = 0; i < 10_000; i++)
        {
            var key = "k" + i.ToString(CultureInfo.InvariantCulture);
            first[key] = Pick(balancer, instances, ResolveStrategy.ConsistentHash, key);
            var bound = (int)Math.Ceiling(1.25 * (i + 1) / instances.Count);
            Assert.All(balancer.AssignedKeys(), kv => Assert.True(kv.Value <= bound, $"{kv.Key} holds {kv.Value} keys after {i + 1} (bound {bound})"));
        }

        Assert.All(first.Take(500), kv => Assert.Equal(kv.Value, Pick(balancer, instances, ResolveStrategy.ConsistentHash, kv.Key)));
    }

    /// <summary>Least connections and power of two choices avoid the instance with more open picks; least response time the slower one.</summary>
    [Fact]
    public void LeastLoadStrategies_AvoidTheBusierAndTheSlowerInstance()
    {
        var instances = new List<ServiceInstance> { Instance("fast"), Instance("slow") };
        var balancer = new ServiceBalancer(random: new Random(7));
        for (var i = 0; i < 5; i++)
        {
            _ = balancer.Pick([instances[1]], new ResolveRequest());   // five open picks on slow
        }

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("fast", Pick(balancer, instances, ResolveStrategy.LeastConnections)));
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("fast", Pick(balancer, instances, ResolveStrategy.PowerOfTwo)));

        var latency = new ServiceBalancer();
        latency.Report("fast", 2);
        latency.Report("slow", 52);
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("fast", Pick(latency, instances, ResolveStrategy.LeastResponseTime)));
        Assert.Equal(2, latency.Ewma("fast"));
    }

    /// <summary>Zone affinity keeps to the caller's zone and falls back to every zone when it has no healthy instance.</summary>
    [Fact]
    public void Zone_PrefersTheLocalZone_AndFallsBackWhenItHasNone()
    {
        var instances = new List<ServiceInstance> { Instance("a", zone: "eu"), Instance("b", zone: "us"), Instance("c", zone: "us") };
        var balancer = new ServiceBalancer();
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("a", Pick(balancer, instances, ResolveStrategy.Zone, zone: "eu")));
        Assert.Equal(["b", "c"], Enumerable.Range(0, 10).Select(_ => Pick(balancer, instances, ResolveStrategy.Zone, zone: "us")).Distinct().Order());
        Assert.Equal(3, Enumerable.Range(0, 12).Select(_ => Pick(balancer, instances, ResolveStrategy.Zone, zone: "ap")).Distinct().Count());
    }
}
