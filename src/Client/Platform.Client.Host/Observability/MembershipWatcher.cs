using Microsoft.Extensions.Options;
using Platform.Client.Cluster;

namespace Platform.Client.Host.Observability;

/// <summary>
/// Reads the membership table every <see cref="ObservabilityOptions.MembershipPollMs"/> into the
/// <see cref="MembershipEventLog"/>, so a status change is timed to within one period even while no console is
/// open (suspicions and start times carry the table's own times). Each read is one membership-table read through
/// Orleans' management grain (<see cref="IClusterAdmin.GetSilosAsync"/>), no call to every silo.
/// </summary>
public sealed partial class MembershipWatcher(
    IClusterAdmin cluster, MembershipEventLog events, IOptions<ObservabilityOptions> options, TimeProvider time, ILogger<MembershipWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.MembershipPollMs == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.MembershipPollMs), time);
        do
        {
            try
            {
                events.Observe(await cluster.GetSilosAsync(stoppingToken), time.GetUtcNow());
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Not connected yet, or the silo answering is going away: the next read catches up.
                LogReadFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership read for the console's events failed")]
    private partial void LogReadFailed(Exception exception);
}
