using Microsoft.Extensions.Logging;

namespace Platform.Silo.Hosting.Cluster;

/// <summary>
/// Applies <see cref="PostgresSchema"/> at the first stage of the silo's start, before membership reads its queries
/// from the database, when <c>Platform:Cluster:InitializeSchema=true</c>.
/// </summary>
internal sealed partial class PostgresSchemaInitializer(string connectionString, ILogger<PostgresSchemaInitializer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgresSchemaInitializer), ServiceLifecycleStage.First, ApplyAsync);

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
        LogApplied(logger, PostgresSchema.Scripts.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied Platform's PostgreSQL schema ({Scripts} scripts).")]
    private static partial void LogApplied(ILogger logger, int scripts);
}
