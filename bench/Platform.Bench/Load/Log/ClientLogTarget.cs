using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Client;
using Platform.EventLog;

namespace Platform.Bench.Load.Log;

/// <summary>The platform's event log through the typed client <see cref="IEventLog"/> over an external Orleans client.</summary>
internal sealed class ClientLogTarget : ILogTarget
{
    private readonly IHost _host;
    private readonly IEventLog _log;

    private ClientLogTarget(IHost host)
    {
        _host = host;
        _log = host.Services.GetRequiredService<IEventLog>();
    }

    public string Name => "log-client";

    public static async Task<ClientLogTarget> ConnectAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddPlatformClusterClient();
        builder.Services.AddPlatformClient(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new ClientLogTarget(host);
    }

    public async Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        await _log.DeleteTopicAsync(topic, cancellationToken);
        await _log.CreateTopicAsync(topic, new TopicSettings { Partitions = partitions }, cancellationToken);
    }

    public Task ProduceAsync(string topic, string key, IReadOnlyList<byte[]> values, CancellationToken cancellationToken) =>
        _log.ProduceAsync(topic, [.. values.Select(v => new ProduceRecord { Key = key, Value = v })], null, cancellationToken);

    public async IAsyncEnumerable<byte[]> ConsumeAsync(string topic, string group, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _log.JoinGroupAsync(group, new GroupJoinRequest { Topics = [topic], SessionTimeoutMs = 30_000 }, 5_000, cancellationToken);
        var start = new ReadStart { Latest = true };
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await _log.ReadAsync(topic, 0, start, 1000, 5_000, cancellationToken);
            foreach (var record in page.Records)
            {
                yield return record.Value ?? [];
            }

            start = ReadStart.At(page.NextOffset);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
