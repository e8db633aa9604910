using System.Diagnostics.Metrics;
using Platform.Telemetry;

namespace Platform.EventLog;

/// <summary>
/// The event log's instruments (label <c>topic</c>): records appended (<c>platform.eventlog.produced</c>; a
/// duplicate an idempotent producer re-sent is counted under <c>platform.eventlog.duplicates</c> instead), records
/// handed to readers (<c>platform.eventlog.consumed</c>) and how far behind the partition's end a reader was after
/// each read (<c>platform.eventlog.consumer.lag</c>, in records). Consumer groups' committed lag is on the console
/// (<c>GET /v1/groups/{group}</c>).
/// </summary>
public sealed class EventLogMetrics
{
    private readonly NamedCounter _produced;
    private readonly NamedCounter _duplicates;
    private readonly NamedCounter _consumed;
    private readonly NamedHistogram<long> _lag;

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public EventLogMetrics(IMeterFactory meters)
    {
        var log = new BlockInstruments(meters, "eventlog", "topic");
        _produced = log.Counter("produced", "{record}", "Records appended to partitions on this silo.");
        _duplicates = log.Counter("duplicates", "{record}", "Records an idempotent producer re-sent, answered with their first offsets.");
        _consumed = log.Counter("consumed", "{record}", "Records read from partitions on this silo.");
        _lag = log.Histogram<long>("consumer.lag", "{record}", "Records between a read's next offset and the partition's end.");
    }

    /// <summary>An append of <paramref name="records"/> records answered.</summary>
    public void Appended(string topic, int records, bool duplicate) => (duplicate ? _duplicates : _produced).Add(topic, records);

    /// <summary>A read answered <paramref name="records"/> records, leaving <paramref name="lag"/> behind the end.</summary>
    public void Read(string topic, int records, long lag)
    {
        _consumed.Add(topic, records);
        _lag.Record(topic, Math.Max(0, lag));
    }
}
