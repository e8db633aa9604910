using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Tests.Sagas;

/// <summary>
/// An in-memory reminder table shared by every silo of a test cluster and outliving each of them, as the PostgreSQL
/// table does in production: Orleans' in-memory table lives in one grain and dies with its silo, so a test that kills
/// silos could lose the reminders it is about. <see cref="Install"/> replaces the silo's table (after AddPlatformGrains).
/// </summary>
internal sealed class SharedReminderTable : IReminderTable
{
    private readonly ConcurrentDictionary<(GrainId Grain, string Name), ReminderEntry> _rows = new();

    public void Install(ISiloBuilder silo) => silo.Services.AddSingleton<IReminderTable>(this);

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(_rows.Where(r => r.Key.Grain == grainId).Select(r => r.Value)));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Task.FromResult(new ReminderTableData(_rows.Where(r => InRange(r.Key.Grain.GetUniformHashCode(), begin, end)).Select(r => r.Value)));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(_rows.TryGetValue((grainId, reminderName), out var row) ? row : null);

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.ETag = Guid.NewGuid().ToString("N");
        _rows[(entry.GrainId, entry.ReminderName)] = entry;
        return Task.FromResult<string?>(entry.ETag);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        Task.FromResult(_rows.TryGetValue((grainId, reminderName), out var row) && row.ETag == eTag && _rows.TryRemove((grainId, reminderName), out _));

    public Task TestOnlyClearTable()
    {
        _rows.Clear();
        return Task.CompletedTask;
    }

    /// <summary>The ring range (begin, end], wrapping when begin is not below end (begin == end: the whole ring).</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
