using System.CommandLine;
using Platform.Bench.Load;
using Platform.Bench.Load.Log;
using Platform.Client;
using Platform.Configuration;

namespace Platform.Bench.Commands;

/// <summary>
/// <c>log</c>: produce load (records in batches) or end-to-end latency (produce → a group consumer sees it) on the
/// platform's event log (HTTP or typed client), redis streams or NATS JetStream.
/// </summary>
internal static class LogCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target") { Description = "http, client, redis or nats.", DefaultValueFactory = _ => "http" };
        target.AcceptOnlyFromAmong("http", "client", "redis", "nats");
        var url = UrlOption.Create();
        var gateway = new Option<string>("--gateway") { Description = "Silo gateway address:port (client target).", DefaultValueFactory = _ => "127.0.0.1:30000" };
        var redis = new Option<string>("--redis") { Description = "redis host:port.", DefaultValueFactory = _ => "127.0.0.1:6379" };
        var nats = new Option<string>("--nats") { Description = "NATS URL.", DefaultValueFactory = _ => "nats://127.0.0.1:4222" };
        var topic = new Option<string>("--topic") { Description = "Topic (stream) name; created fresh.", DefaultValueFactory = _ => "bench-log" };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the platform topic.", DefaultValueFactory = _ => 8 };
        var batch = new Option<int>("--batch") { Description = "Records per produce request.", DefaultValueFactory = _ => 1 };
        var e2e = new Option<bool>("--e2e") { Description = "Measure produce → group consumer latency (one producer, one consumer, one partition)." };
        var load = new LoadCommandOptions();
        var command = new Command("log", "Produce rate or end-to-end latency of an event log.") { target, url, gateway, redis, nats, topic, partitions, batch, e2e };
        load.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var options = load.Read(result) with { Operation = KeyValueOperation.Put, Preload = false };
            ILogTarget log;
            try
            {
                log = result.GetRequiredValue(target) switch
                {
                    "client" => await ClientLogTarget.ConnectAsync(new Dictionary<string, string?>
                    {
                        [$"{PlatformClientOptions.SectionName}:Embedded"] = "false",
                        [$"{PlatformClientOptions.SectionName}:Gateways:0"] = result.GetRequiredValue(gateway),
                    }, ct),
                    "redis" => new RedisStreamsTarget(result.GetRequiredValue(redis).Split(':')[0], int.Parse(result.GetRequiredValue(redis).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)),
                    "nats" => new NatsJetStreamTarget(result.GetRequiredValue(nats)),
                    _ => new HttpLogTarget(result.GetRequiredValue(url), options.Concurrency),
                };
            }
            catch (PlatformConfigurationException ex)
            {
                await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
                return 2;
            }

            var name = result.GetRequiredValue(topic);
            if (result.GetValue(e2e))
            {
                await using (log)
                {
                    var measured = await LogEndToEnd.RunAsync(log, name, options, ct);
                    Console.WriteLine(measured.Describe());
                    if (measured.FirstError is { } error)
                    {
                        Console.WriteLine($"  first error: {error}");
                    }

                    Console.WriteLine(measured.Summary());
                    return measured.Operations > 0 ? 0 : 1;
                }
            }

            await log.PrepareAsync(name, result.GetValue(partitions), ct);
            return await LoadRunner.RunAsync(new LogProduceTarget(log, name, result.GetValue(batch)), options, ct);
        });
        return command;
    }
}
