using System.Diagnostics;
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
    private readonly Counter<long> _produced;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _consumed;
    private readonly Histogram<long> _lag;
    private readonly LabelNames _names = new();

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public EventLogMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformMeter.Name);
        _produced = meter.CreateCounter<long>("platform.eventlog.produced", "{record}", "Records appended to partitions on this silo.");
        _duplicates = meter.CreateCounter<long>("platform.eventlog.duplicates", "{record}", "Records an idempotent producer re-sent, answered with their first offsets.");
        _consumed = meter.CreateCounter<long>("platform.eventlog.consumed", "{record}", "Records read from partitions on this silo.");
        _lag = meter.CreateHistogram<long>("platform.eventlog.consumer.lag", "{record}", "Records between a read's next offset and the partition's end.");
    }

    /// <summary>An append of <paramref name="records"/> records answered.</summary>
    public void Appended(string topic, int records, bool duplicate) =>
        (duplicate ? _duplicates : _produced).Add(records, new TagList { { "topic", _names.Of(topic) } });

    /// <summary>A read answered <paramref name="records"/> records, leaving <paramref name="lag"/> behind the end.</summary>
    public void Read(string topic, int records, long lag)
    {
        var tags = new TagList { { "topic", _names.Of(topic) } };
        _consumed.Add(records, tags);
        _lag.Record(Math.Max(0, lag), tags);
    }
}
