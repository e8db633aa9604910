using System.CommandLine;
using Platform.Bench.Load.Discovery;

namespace Platform.Bench.Commands;

/// <summary><c>discovery --op setup|resolve-http|handler|watch|etcd-watch</c>: the discovery benchmark's parts (<see cref="DiscoveryBench"/>).</summary>
internal static class DiscoveryCommand
{
    public static Command Create()
    {
        var op = new Option<string>("--op") { Description = "setup, resolve-http, handler, watch or etcd-watch.", DefaultValueFactory = _ => "resolve-http" };
        var url = UrlOption.Create();
        var gateway = new GatewayOptions();
        var endpoint = new Option<string>("--etcd") { Description = "etcd's client URL (etcd-watch).", DefaultValueFactory = _ => "http://127.0.0.1:2379" };
        var services = new Option<int>("--services") { Description = "Services.", DefaultValueFactory = _ => 50 };
        var instances = new Option<int>("--instances") { Description = "Instances over all services.", DefaultValueFactory = _ => 1000 };
        var samples = new Option<int>("--samples") { Description = "Changes timed (watch, etcd-watch).", DefaultValueFactory = _ => 500 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight.", DefaultValueFactory = _ => 64 };
        var duration = new Option<int>("--duration") { Description = "Seconds measured.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds unmeasured first.", DefaultValueFactory = _ => 3 };
        var command = new Command("discovery", "Service discovery: resolve over HTTP, the cached .NET handler, change-to-watch delay, and the same on etcd.")
        {
            op, url, endpoint, services, instances, samples, concurrency, duration, warmup,
        };
        gateway.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var s = result.GetValue(services);
            var n = result.GetValue(instances);
            var c = result.GetValue(concurrency);
            var d = TimeSpan.FromSeconds(result.GetValue(duration));
            var w = TimeSpan.FromSeconds(result.GetValue(warmup));
            return result.GetRequiredValue(op) switch
            {
                "setup" => DiscoveryBench.SetupAsync(result.GetRequiredValue(url), s, n, ct),
                "resolve-http" => DiscoveryBench.ResolveHttpAsync(result.GetRequiredValue(url), s, c, w, d, ct),
                "handler" => DiscoveryBench.HandlerAsync(gateway.Settings(result), s, c, w, d, ct),
                "watch" => DiscoveryBench.WatchAsync(gateway.Settings(result), s, n / s, result.GetValue(samples), ct),
                "etcd-watch" => DiscoveryBench.EtcdWatchAsync(new Uri(result.GetRequiredValue(endpoint)), s, n / s, result.GetValue(samples), ct),
                var other => Task.FromResult(Fail(other)),
            };
        });
        return command;
    }

    private static int Fail(string op)
    {
        Console.Error.WriteLine($"--op must be setup, resolve-http, handler, watch or etcd-watch (got {op})");
        return 2;
    }
}
