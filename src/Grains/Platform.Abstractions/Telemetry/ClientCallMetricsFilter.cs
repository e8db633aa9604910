using System.Diagnostics;

namespace Platform.Telemetry;

/// <summary>Counts and times every Platform grain call an external client makes (<see cref="GrainCallMetrics.RecordClient"/>).</summary>
public sealed class ClientCallMetricsFilter(GrainCallMetrics metrics) : IOutgoingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GrainCallBlock.Of(context.InterfaceMethod?.DeclaringType, context.TargetId.Key.ToString()) is not { } block)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
            metrics.RecordClient(block, context.MethodName, null, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            metrics.RecordClient(block, context.MethodName, ex, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
