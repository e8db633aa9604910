using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Cluster;

/// <summary>
/// Conformance of Platform's PostgreSQL reminder SQL with Orleans' reminder table contract, through Orleans' own
/// ADO.NET reminder table as a silo resolves it: the ETag changes on every upsert and a delete must present the
/// current one, reads by grain, by name and by hash range return exactly the matching rows, and services are
/// separate. The behaviour of Orleans' ReminderTableTestsBase, written against the real server.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class PostgresReminderTableTests(RealServersFixture fixture) : IAsyncLifetime
{
    private readonly string _serviceId = fixture.RunId + "-r" + Guid.NewGuid().ToString("N")[..8];
    private IHost _silo = null!;
    private IReminderTable _table = null!;

    public async Task InitializeAsync()
    {
        (_silo, _table) = await ReminderTable(_serviceId);
    }

    public async Task DisposeAsync()
    {
        await _table.TestOnlyClearTable();
        _silo.Dispose();
    }

    /// <summary>
    /// A reminder reads back as written with its ETag; after another upsert the old ETag cannot delete it, nor can the
    /// right ETag under a wrong name; the current ETag deletes it once, and a second delete finds nothing.
    /// </summary>
    [Fact]
    public async Task RemoveRow_WithStaleETagOrWrongName_IsRefused_AndTheCurrentETagDeletesOnce()
    {
        var reminder = Reminder(NewGrain(), "r0");
        var first = await _table.UpsertRow(reminder) ?? throw new InvalidOperationException("no ETag");
        var read = await _table.ReadRow(reminder.GrainId, reminder.ReminderName);
        Assert.NotNull(read);
        Assert.Equal(first, read.ETag);
        Assert.Equal((reminder.GrainId, reminder.ReminderName, reminder.StartAt, TimeSpan.FromMinutes(1)), (read.GrainId, read.ReminderName, read.StartAt.ToUniversalTime(), read.Period));

        reminder.Period = TimeSpan.FromMinutes(2);
        var second = await _table.UpsertRow(reminder) ?? throw new InvalidOperationException("no ETag");
        Assert.NotEqual(first, second);

        Assert.False(await _table.RemoveRow(reminder.GrainId, reminder.ReminderName, first), "a stale ETag deleted the reminder");
        Assert.False(await _table.RemoveRow(reminder.GrainId, "other-name", second), "a wrong name deleted something");
        Assert.Equal(TimeSpan.FromMinutes(2), (await _table.ReadRow(reminder.GrainId, reminder.ReminderName))!.Period);

        Assert.True(await _table.RemoveRow(reminder.GrainId, reminder.ReminderName, second));
        Assert.False(await _table.RemoveRow(reminder.GrainId, reminder.ReminderName, second), "deleted twice");
        Assert.Null(await _table.ReadRow(reminder.GrainId, reminder.ReminderName));
    }

    /// <summary>Five concurrent upserts of each of five reminders: every upsert answers its own ETag (none lost, none repeated).</summary>
    [Fact]
    public async Task ConcurrentUpserts_OfOneReminder_EachAnswerADistinctETag()
    {
        var grain = NewGrain();
        var etags = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => _table.UpsertRow(Reminder(grain, $"r{i}")))))));
        Assert.All(etags, perReminder => Assert.Equal(5, perReminder.Distinct().Count()));
        Assert.Equal(5, (await _table.ReadRows(grain)).Reminders.Count);
    }

    /// <summary>
    /// Reads by hash range (begin, end] return exactly the reminders whose grain hash falls in it, for ranges that
    /// wrap around the ring too; (0, max] and (0, 0] return all; another service's reminders never appear.
    /// </summary>
    [Fact]
    public async Task ReadRows_ByHashRange_ReturnExactlyTheRemindersInTheRange()
    {
        var grains = Enumerable.Range(0, 60).Select(_ => NewGrain()).ToList();
        await Task.WhenAll(grains.Select((g, i) => _table.UpsertRow(Reminder(g, $"r{i}"))));
        var (otherSilo, other) = await ReminderTable(_serviceId + "-other");
        try
        {
            await other.UpsertRow(Reminder(NewGrain(), "elsewhere"));
            Assert.Equal(60, (await _table.ReadRows(0, uint.MaxValue)).Reminders.Count);
            Assert.Equal(60, (await _table.ReadRows(0, 0)).Reminders.Count);

            var hashes = grains.Select(g => g.GetUniformHashCode()).ToList();
            var random = new Random(4711);
            for (var i = 0; i < 40; i++)
            {
                var begin = (uint)random.NextInt64(uint.MaxValue);
                var end = (uint)random.NextInt64(uint.MaxValue);
                var expected = hashes.Where(h => begin < end ? h > begin && h <= end : h > begin || h <= end).Order();
                var actual = (await _table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order();
                Assert.Equal(expected, actual);
            }

            // Edges: a range that ends exactly on a hash includes it; one that begins on it does not.
            var h0 = hashes[0];
            Assert.Contains(grains[0], (await _table.ReadRows(h0 - 1, h0)).Reminders.Select(r => r.GrainId));
            Assert.DoesNotContain(grains[0], (await _table.ReadRows(h0, h0 + 1)).Reminders.Select(r => r.GrainId));
        }
        finally
        {
            await other.TestOnlyClearTable();
            otherSilo.Dispose();
        }
    }

    private async Task<(IHost Silo, IReminderTable Table)> ReminderTable(string serviceId)
    {
        var host = PostgresMembershipTableTests.SiloHost(fixture.Postgres, serviceId);
        var table = host.Services.GetRequiredService<IReminderTable>();
        await table.StartAsync();
        return (host, table);
    }

    private static GrainId NewGrain() => GrainId.Create("conformance", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Reminder(GrainId grain, string name)
    {
        var now = DateTime.UtcNow;
        return new ReminderEntry
        {
            GrainId = grain,
            ReminderName = name,
            StartAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc),
            Period = TimeSpan.FromMinutes(1),
        };
    }
}
