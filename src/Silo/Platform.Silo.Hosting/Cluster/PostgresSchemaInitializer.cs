using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Silo.Hosting.Cluster;

/// <summary>
/// Applies <see cref="PostgresSchema"/> before Orleans starts (registered ahead of it, and hosted services start in
/// order) when <c>Platform:Cluster:InitializeSchema=true</c>.
/// </summary>
internal sealed partial class PostgresSchemaInitializer(string connectionString, ILogger<PostgresSchemaInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
        LogApplied(logger, PostgresSchema.Scripts.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied Platform's PostgreSQL schema ({Scripts} scripts).")]
    private static partial void LogApplied(ILogger logger, int scripts);
}
