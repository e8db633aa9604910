using System.Diagnostics;
using Platform.Transactions;

namespace Platform.Silo.Hosting.Transactions;

/// <summary>
/// Records each transaction's outcome (<see cref="TransactionMetrics"/>) around the coordinator's call, where the
/// Orleans transaction it roots is committed or aborted.
/// </summary>
internal sealed class TransactionMetricsFilter(TransactionMetrics metrics) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType != typeof(ITransactionCoordinatorGrain) || context.Request.GetArgumentCount() == 0
            || context.Request.GetArgument(0) is not TransactionSpec spec)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (TransactionMetrics.AbortReason(ex) is { } reason)
        {
            metrics.Aborted(spec.Namespace.Name, reason, Stopwatch.GetElapsedTime(started));
            throw;
        }

        if (context.Result is TransactionResult result)
        {
            metrics.Committed(spec.Namespace.Name, result.Succeeded, Stopwatch.GetElapsedTime(started));
        }
    }
}
