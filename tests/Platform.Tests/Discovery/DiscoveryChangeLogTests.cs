using Platform.Discovery;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Discovery;

/// <summary>The persisted tail of the change log (AzureTable): a watch resumes from its index after every silo was replaced.</summary>
[Collection(RealServersCollection.Name)]
public sealed class DiscoveryChangeLogTests(RealServersFixture fixture)
{
    /// <summary>
    /// Changes made through one cluster are listed once and in order after its index by a second cluster on the same
    /// tables (a fresh service grain), without a reset; an index older than the persisted tail (PersistedChanges) resets.
    /// </summary>
    [Fact]
    public async Task Watch_ResumesFromItsIndex_AfterEverySiloWasReplaced()
    {
        var serviceId = fixture.RunId + "-disco-log";
        var service = "log-" + Guid.NewGuid().ToString("N")[..8];
        long resumeFrom;
        long last;
        await using (var first = await fixture.StartAzureTableClusterAsync(serviceId))
        {
            var discovery = first.Service<IServiceDiscovery>();
            for (var i = 0; i < 130; i++)
            {
                await discovery.RegisterAsync(service, $"i{i % 20}", new ServiceRegistration { Address = "127.0.0.1", Port = 1000 + i });
            }

            resumeFrom = (await discovery.GetAsync(service)).Index - 10;
            for (var i = 0; i < 5; i++)
            {
                await discovery.DeregisterAsync(service, $"i{i}");
            }

            last = (await discovery.GetAsync(service)).Index;
        }

        await using var second = await fixture.StartAzureTableClusterAsync(serviceId);
        var again = second.Service<IServiceDiscovery>();
        var view = await again.GetAsync(service, resumeFrom);
        Assert.False(view.Reset);
        Assert.Equal(Enumerable.Range((int)resumeFrom + 1, (int)(last - resumeFrom)).Select(i => (long)i), view.Changes.Select(c => c.Index));
        Assert.Equal(Enumerable.Repeat(ServiceChangeKind.Deregistered, 5), view.Changes.TakeLast(5).Select(c => c.Kind));
        Assert.Equal(last - 100, view.RetainedFrom);
        Assert.True((await again.GetAsync(service, last - 101)).Reset);
    }
}
