using Microsoft.Extensions.Logging;
using Platform.Errors;
using Platform.KeyValue;

namespace Platform.Silo.Hosting.Cluster;

/// <summary>
/// Where an exception leaves a Platform grain (any interface of <c>Platform.Abstractions</c>): a storage failure
/// becomes a Platform refusal through <see cref="StorageErrors.Translate"/> (503 with Retry-After, logged here with
/// the original exception); everything else passes unchanged. Calls to Orleans' own grains and grain extensions (the
/// transaction protocol among them) are not touched.
/// </summary>
internal sealed partial class PlatformErrorBoundary(ILogger<PlatformErrorBoundary> logger) : IIncomingGrainCallFilter
{
    private static readonly System.Reflection.Assembly Contracts = typeof(IKeyValueShardGrain).Assembly;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (context.InterfaceMethod?.DeclaringType?.Assembly == Contracts && StorageErrors.Translate(ex) is { } refusal)
        {
            LogTranslated(ex, context.InterfaceName, context.MethodName);
            throw refusal;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage failure in {Interface}.{Method}, answered as unavailable (503, retry)")]
    private partial void LogTranslated(Exception exception, string @interface, string method);
}
