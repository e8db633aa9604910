using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Platform.Telemetry;

/// <summary>
/// Counts and times every incoming Platform grain call (<see cref="GrainCallMetrics"/>) and opens a log scope
/// naming the block and its name (namespace, lock, topic, saga definition, ...) around it, so each log line a call
/// writes says what it was about. Keys and values never enter the scope.
/// </summary>
public sealed class GrainCallMetricsFilter(GrainCallMetrics metrics, ILogger<GrainCallMetricsFilter> logger) : IIncomingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GrainCallBlock.Of(context.InterfaceMethod?.DeclaringType, context.TargetId.Key.ToString()) is not { } block)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        using var scope = block.Label.Length > 0
            ? logger.BeginScope(new KeyValuePair<string, object>[] { new("Block", block.Block), new(block.Label, metrics.Name(block)) })
            : logger.BeginScope(new KeyValuePair<string, object>[] { new("Block", block.Block) });
        try
        {
            await context.Invoke();
            metrics.Record(block, context.MethodName, null, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            metrics.Record(block, context.MethodName, ex, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
