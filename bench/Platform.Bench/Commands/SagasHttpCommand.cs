using System.CommandLine;
using Platform.Bench.Load.Sagas;

namespace Platform.Bench.Commands;

/// <summary><c>sagas-http</c>: 3-step HTTP sagas through <c>/v1/sagas</c> against an in-process Kestrel stub.</summary>
internal static class SagasHttpCommand
{
    public static Command Create()
    {
        var url = UrlOption.Create();
        var definition = new Option<string>("--definition")
        {
            Description = "Definition name (default a fresh bench-xxxxxxxx).",
            DefaultValueFactory = _ => $"bench-{Guid.NewGuid().ToString("N")[..8]}",
        };
        var concurrency = OptionRules.AtLeast(new Option<int>("--concurrency", "-c") { Description = "Sagas in flight.", DefaultValueFactory = _ => 64 }, 1);
        var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of unmeasured sagas first.", DefaultValueFactory = _ => 3 };
        var serverPids = new Option<int[]>("--server-pid")
        {
            Description = "PID(s) of server processes on this machine: report their summed CPU time per completed saga.",
            AllowMultipleArgumentsPerToken = true,
        };
        duration.Above(0.0);
        warmup.AtLeast(0.0);

        var command = new Command("sagas-http", "3-step HTTP sagas against a local stub: completed sagas/s and the platform's overhead per step.")
        {
            url, definition, concurrency, duration, warmup, serverPids,
        };
        command.SetAction(async (result, ct) =>
        {
            var options = new SagaBenchOptions
            {
                Url = result.GetRequiredValue(url),
                Definition = result.GetRequiredValue(definition),
                Concurrency = result.GetValue(concurrency),
                Duration = TimeSpan.FromSeconds(result.GetValue(duration)),
                Warmup = TimeSpan.FromSeconds(result.GetValue(warmup)),
                ServerPids = result.GetValue(serverPids) ?? [],
            };
            await using var stub = await SagaBenchStub.StartAsync(ct);
            using var driver = new SagaBenchDriver(options, stub);
            await driver.SetUpAsync(Console.Out, ct);
            var run = await driver.RunAsync(ct);
            Console.WriteLine(run.Describe());
            if (run.FirstError is { } error)
            {
                Console.WriteLine($"  first error: {error}");
            }

            Console.WriteLine($"  stub calls {stub.Calls}");
            Console.WriteLine(run.Summary());
            return run.Completed > 0 ? 0 : 1;
        });
        return command;
    }
}
