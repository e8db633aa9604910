using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Errors;

namespace Platform.Telemetry;

/// <summary>
/// Every Platform grain call counted and timed by block: <c>platform.{block}.operations</c> (labels: the block's
/// name label, <c>op</c>, <c>outcome</c>) and <c>platform.{block}.duration</c> in seconds on silos; the same calls
/// as a client makes them under <c>platform.client.operations</c> / <c>platform.client.duration</c> (label
/// <c>block</c>). A DI singleton; the filters call <see cref="Record"/>.
/// </summary>
public sealed class GrainCallMetrics
{
    private static readonly string[] Blocks = ["kv", "sharding", "txn", "replication", "locks", "eventlog", "caches", "sagas", "discovery"];

    private readonly Dictionary<string, (Counter<long> Ops, Histogram<double> Duration)> _silo = [];
    private readonly Counter<long> _clientOps;
    private readonly Histogram<double> _clientDuration;
    private readonly Dictionary<string, LabelNames> _names = [];

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public GrainCallMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformMeter.Name);
        foreach (var block in Blocks)
        {
            _silo[block] = (
                meter.CreateCounter<long>($"platform.{block}.operations", "{operation}", $"Grain calls of the {block} block on this silo, by name, op and outcome."),
                meter.CreateHistogram<double>($"platform.{block}.duration", "s", $"Time a {block} grain call took on this silo."));
            _names[block] = new LabelNames();
        }

        _clientOps = meter.CreateCounter<long>("platform.client.operations", "{operation}", "Grain calls this client made, by block, op and outcome.");
        _clientDuration = meter.CreateHistogram<double>("platform.client.duration", "s", "Time a grain call from this client took, round trip.");
    }

    /// <summary>The outcome label of a call that threw <paramref name="exception"/> (null: <c>ok</c>).</summary>
    public static string Outcome(Exception? exception) => exception switch
    {
        null => "ok",
        PlatformException p => p.Kind switch
        {
            PlatformErrorKind.Validation => "invalid",
            PlatformErrorKind.NotFound => "not_found",
            PlatformErrorKind.Conflict => "conflict",
            PlatformErrorKind.PreconditionFailed => "precondition_failed",
            PlatformErrorKind.PayloadTooLarge => "too_large",
            PlatformErrorKind.Unavailable => "unavailable",
            _ => "refused",
        },
        OperationCanceledException => "canceled",
        TimeoutException => "timeout",
        _ => "error",
    };

    /// <summary>The bounded label value for a name of <paramref name="block"/>.</summary>
    public string Name(GrainCallBlock block) => _names.TryGetValue(block.Block, out var names) ? names.Of(block.Name) : "";

    /// <summary>Records one call handled on this silo.</summary>
    public void Record(GrainCallBlock block, string op, Exception? exception, TimeSpan elapsed)
    {
        if (!_silo.TryGetValue(block.Block, out var instruments))
        {
            return;
        }

        var tags = new TagList { { "op", op } };
        if (block.Label.Length > 0)
        {
            tags.Add(block.Label, Name(block));
        }

        instruments.Duration.Record(elapsed.TotalSeconds, tags);
        tags.Add("outcome", Outcome(exception));
        instruments.Ops.Add(1, tags);
    }

    /// <summary>Records one call this client made.</summary>
    public void RecordClient(GrainCallBlock block, string op, Exception? exception, TimeSpan elapsed)
    {
        var tags = new TagList { { "block", block.Block }, { "op", op } };
        _clientDuration.Record(elapsed.TotalSeconds, tags);
        tags.Add("outcome", Outcome(exception));
        _clientOps.Add(1, tags);
    }
}
