using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Silo.Hosting;
using Platform.Testing.Network;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Cluster;

/// <summary>
/// Conformance of Platform's PostgreSQL membership SQL (src/Silo/Platform.Silo.Hosting/Cluster/Sql) with the contract
/// Orleans' membership protocol relies on, through Orleans' own ADO.NET membership table as a silo resolves it: the
/// table version is an optimistic-concurrency token (a change against a stale version is refused and changes
/// nothing), a silo row is inserted once, I-am-alive never moves backwards and bumps no version, and clean-up removes
/// only long-dead silos. The behaviour of Orleans' MembershipTableTestsBase, written against the real server.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class PostgresMembershipTableTests(RealServersFixture fixture) : IAsyncLifetime
{
    private static int _generation;
    private readonly string _clusterId = fixture.RunId + "-m" + Guid.NewGuid().ToString("N")[..8];
    private IHost _silo = null!;
    private IMembershipTable _table = null!;

    public async Task InitializeAsync()
    {
        (_silo, _table) = await MembershipTable(_clusterId);
    }

    public async Task DisposeAsync()
    {
        await _table.DeleteMembershipTableEntriesAsync(_clusterId);
        _silo.Dispose();
    }

    /// <summary>A cluster nobody joined yet reads as no members at table version 0, with an ETag.</summary>
    [Fact]
    public async Task ReadAll_OfAFreshCluster_HasNoMembersAtVersionZero()
    {
        var data = await _table.ReadAllAsync();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.NotNull(data.Version.VersionEtag);
    }

    /// <summary>
    /// An insert at the next table version succeeds once; the same row again, another row at the now stale version,
    /// and the same row at the current next version (a duplicate) are all refused, and none of them changes the table.
    /// </summary>
    [Fact]
    public async Task InsertRow_WithStaleVersionOrDuplicateSilo_IsRefusedAndChangesNothing()
    {
        var initial = (await _table.ReadAllAsync()).Version;
        var entry = Entry();
        var next = initial.Next();

        Assert.True(await _table.InsertRowAsync(entry, next));
        Assert.False(await _table.InsertRowAsync(entry, next), "same silo, stale table version");
        Assert.False(await _table.InsertRowAsync(Entry(), next), "new silo, stale table version");
        var afterInsert = await _table.ReadAllAsync();
        Assert.Equal(1, afterInsert.Version.Version);

        Assert.False(await _table.InsertRowAsync(entry, afterInsert.Version.Next()), "duplicate silo at the current version");

        var data = await _table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        var member = Assert.Single(data.Members);
        Assert.Equal(entry.SiloAddress, member.Item1.SiloAddress);
        Assert.NotNull(member.Item2);

        var row = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(1, row.Version.Version);
        Assert.Equal(entry.SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);
        Assert.Empty((await _table.ReadRowAsync(Entry().SiloAddress)).Members);
    }

    /// <summary>
    /// An update at a stale table version is refused and leaves the row as it was; at the next version it applies
    /// once (status and suspicions as written); repeating it at the version it just used is refused.
    /// </summary>
    [Fact]
    public async Task UpdateRow_WithStaleTableVersion_IsRefusedAndChangesNothing()
    {
        var entry = Entry();
        var inserted = (await _table.ReadAllAsync()).Version.Next();
        Assert.True(await _table.InsertRowAsync(entry, inserted));
        var read = await _table.ReadAllAsync();
        var etag = Row(read, entry.SiloAddress).Item2;

        var changed = Copy(entry);
        changed.Status = SiloStatus.Active;
        changed.SuspectTimes = [Tuple.Create(Entry().SiloAddress, Seconds(DateTime.UtcNow))];
        Assert.False(await _table.UpdateRowAsync(changed, etag, inserted), "update at the version the insert used");
        Assert.Equal(SiloStatus.Joining, Row(await _table.ReadAllAsync(), entry.SiloAddress).Item1.Status);

        var next = read.Version.Next();
        Assert.True(await _table.UpdateRowAsync(changed, etag, next));
        Assert.False(await _table.UpdateRowAsync(changed, etag, next), "the same update again at the version it used");

        var after = await _table.ReadAllAsync();
        Assert.Equal(2, after.Version.Version);
        var row = Row(after, entry.SiloAddress).Item1;
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Equal(changed.SuspectTimes.Select(s => (s.Item1, s.Item2)), row.SuspectTimes!.Select(s => (s.Item1, s.Item2.ToUniversalTime())));
    }

    /// <summary>
    /// Twenty racing inserts of one silo at one version: exactly one wins. Nineteen updaters racing on that row, each
    /// re-reading and retrying until its update applies: every update applies exactly once (the version counts
    /// 1 + 19), as Orleans' UpdateRowInParallel checks.
    /// </summary>
    [Fact]
    public async Task ConcurrentInsertsAndUpdates_OneInsertWins_AndEveryUpdateAppliesExactlyOnce()
    {
        var entry = Entry();
        var version = (await _table.ReadAllAsync()).Version.Next();
        var inserts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            try
            {
                return await _table.InsertRowAsync(entry, version);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return false;
            }
        })));
        Assert.Single(inserts, x => x);

        var attempts = 0;
        await Task.WhenAll(Enumerable.Range(0, 19).Select(_ => Task.Run(async () =>
        {
            for (var done = false; !done;)
            {
                Assert.True(Interlocked.Increment(ref attempts) < 5_000, "updates kept being refused");
                var data = await _table.ReadAllAsync();
                var (row, etag) = Row(data, entry.SiloAddress);
                try
                {
                    done = await _table.UpdateRowAsync(row, etag, data.Version.Next());
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    done = false;
                }
            }
        })));

        var final = await _table.ReadAllAsync();
        Assert.Equal(20, final.Version.Version);
        Assert.Single(final.Members);
    }

    /// <summary>I-am-alive is a heartbeat: it moves the time forward, never backwards, and does not change the table version.</summary>
    [Fact]
    public async Task UpdateIAmAlive_MovesForwardNeverBackwards_AndKeepsTheTableVersion()
    {
        var entry = Entry();
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        var later = Seconds(DateTime.UtcNow.AddMinutes(5));

        await _table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = later });
        var data = await _table.ReadAllAsync();
        Assert.Equal(later, Row(data, entry.SiloAddress).Item1.IAmAliveTime.ToUniversalTime());
        Assert.Equal(1, data.Version.Version);

        await _table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = later.AddMinutes(-3) });
        data = await _table.ReadAllAsync();
        Assert.Equal(later, Row(data, entry.SiloAddress).Item1.IAmAliveTime.ToUniversalTime());
        Assert.Equal(1, data.Version.Version);

        // A full update carrying an older I-am-alive (a status change by another silo) does not move it back either.
        var (row, etag) = Row(data, entry.SiloAddress);
        var suspected = Copy(row);
        suspected.IAmAliveTime = later.AddMinutes(-4);
        Assert.True(await _table.UpdateRowAsync(suspected, etag, data.Version.Next()));
        Assert.Equal(later, Row(await _table.ReadAllAsync(), entry.SiloAddress).Item1.IAmAliveTime.ToUniversalTime());
    }

    /// <summary>Clean-up removes the silos that are Dead with no heartbeat since the cut-off, and keeps live and recently dead ones.</summary>
    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyLongDeadSilos()
    {
        var old = Entry();
        old.Status = SiloStatus.Dead;
        old.StartTime = old.IAmAliveTime = old.IAmAliveTime.AddDays(-10);
        var oldButActive = Entry();
        oldButActive.Status = SiloStatus.Active;
        oldButActive.StartTime = oldButActive.IAmAliveTime = oldButActive.IAmAliveTime.AddDays(-10);
        var recentlyDead = Entry();
        recentlyDead.Status = SiloStatus.Dead;
        foreach (var entry in new[] { old, oldButActive, recentlyDead })
        {
            Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        }

        await _table.CleanupDefunctSiloEntriesAsync(old.IAmAliveTime.AddDays(3));

        var left = (await _table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal([oldButActive.SiloAddress, recentlyDead.SiloAddress], left.OrderBy(s => s.Generation));
    }

    /// <summary>Another cluster id is another table: its rows and version are invisible here and its changes do not bump ours.</summary>
    [Fact]
    public async Task Rows_OfAnotherCluster_AreNeitherSeenNorCounted()
    {
        var otherId = _clusterId + "-other";
        var (otherSilo, other) = await MembershipTable(otherId);
        try
        {
            Assert.True(await other.InsertRowAsync(Entry(), (await other.ReadAllAsync()).Version.Next()));
            var ours = await _table.ReadAllAsync();
            Assert.Empty(ours.Members);
            Assert.Equal(0, ours.Version.Version);
        }
        finally
        {
            await other.DeleteMembershipTableEntriesAsync(otherId);
            otherSilo.Dispose();
        }
    }

    private async Task<(IHost Silo, IMembershipTable Table)> MembershipTable(string clusterId)
    {
        var host = SiloHost(fixture.Postgres, clusterId);
        var table = host.Services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return (host, table);
    }

    /// <summary>A production silo host (AddPlatformSilo, AdoNet) that is built, not started: its Orleans tables are the ones a silo uses.</summary>
    internal static IHost SiloHost(string postgres, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var ports = FreePorts.Next(2);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Platform:Cluster:Provider"] = "AdoNet",
            ["Platform:Cluster:ConnectionString"] = postgres,
            ["Platform:Cluster:ClusterId"] = clusterId,
            ["Platform:Cluster:ServiceId"] = clusterId,
            ["Platform:Silo:Port"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Platform:Silo:GatewayPort"] = ports[1].ToString(CultureInfo.InvariantCulture),

            // Built, never started: only its membership and reminder tables are used, so memory storage loses nothing.
            ["Platform:Storage:AllowVolatileInCluster"] = "true",
        });
        builder.AddPlatformSilo();
        return builder.Build();
    }

    private static MembershipEntry Entry()
    {
        var now = Seconds(DateTime.UtcNow);
        var address = SiloAddress.New(IPAddress.Loopback, 12345, Interlocked.Increment(ref _generation));
        return new MembershipEntry
        {
            SiloAddress = address,
            HostName = "conformance-host",
            SiloName = $"silo-{address.Generation}",
            Status = SiloStatus.Joining,
            ProxyPort = 12346,
            StartTime = now,
            IAmAliveTime = now,
        };
    }

    private static MembershipEntry Copy(MembershipEntry e) => new()
    {
        SiloAddress = e.SiloAddress,
        HostName = e.HostName,
        SiloName = e.SiloName,
        Status = e.Status,
        ProxyPort = e.ProxyPort,
        StartTime = e.StartTime,
        IAmAliveTime = e.IAmAliveTime,
        SuspectTimes = e.SuspectTimes,
    };

    private static Tuple<MembershipEntry, string> Row(MembershipTableData data, SiloAddress silo) =>
        data.Members.SingleOrDefault(m => m.Item1.SiloAddress.Equals(silo))
        ?? throw new InvalidOperationException($"silo {silo} is not in the table: {data}");

    private static DateTime Seconds(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc);
}
