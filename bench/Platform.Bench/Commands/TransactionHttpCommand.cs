using System.CommandLine;
using Platform.Bench.Load;

namespace Platform.Bench.Commands;

/// <summary><c>txn-http</c>: bank transfers through <c>POST /v1/txn</c> on a running client host.</summary>
internal static class TransactionHttpCommand
{
    public static Command Create()
    {
        var url = UrlOption.Create();
        var ns = new Option<string>("--namespace", "-n")
        {
            Description = "Transactional namespace of the accounts (created if missing; default a fresh bank-xxxxxxxx).",
            DefaultValueFactory = _ => $"bank-{Guid.NewGuid().ToString("N")[..8]}",
        };
        var accounts = OptionRules.AtLeast(new Option<int>("--accounts") { Description = "Accounts.", DefaultValueFactory = _ => 10 }, 2);
        var shards = OptionRules.AtLeast(new Option<int>("--shards") { Description = "Shards of the namespace when it is created.", DefaultValueFactory = _ => 10 }, 1);
        var initial = new Option<long>("--initial") { Description = "Opening balance of each account.", DefaultValueFactory = _ => 100_000 };
        var maxAmount = OptionRules.AtLeast(new Option<int>("--max-amount") { Description = "Each transfer moves 1..this, uniformly.", DefaultValueFactory = _ => 100 }, 1);
        var concurrency = OptionRules.AtLeast(new Option<int>("--concurrency", "-c") { Description = "Transfers in flight (clients).", DefaultValueFactory = _ => 8 }, 1);
        var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of unmeasured transfers first.", DefaultValueFactory = _ => 3 };
        var serverPids = new Option<int[]>("--server-pid")
        {
            Description = "PID(s) of server processes on this machine: report their summed CPU time per committed transfer.",
            AllowMultipleArgumentsPerToken = true,
        };
        duration.Above(0.0);
        warmup.AtLeast(0.0);
        initial.AtLeast(0L);

        var command = new Command("txn-http", "Bank transfers through POST /v1/txn: compare value >= amount, add -amount, add +amount.")
        {
            url, ns, accounts, shards, initial, maxAmount, concurrency, duration, warmup, serverPids,
        };
        command.SetAction(async (result, ct) =>
        {
            var options = new TransactionBankOptions
            {
                Url = result.GetRequiredValue(url),
                Namespace = result.GetRequiredValue(ns),
                Accounts = result.GetValue(accounts),
                Shards = result.GetValue(shards),
                Initial = result.GetValue(initial),
                MaxAmount = result.GetValue(maxAmount),
                Concurrency = result.GetValue(concurrency),
                Duration = TimeSpan.FromSeconds(result.GetValue(duration)),
                Warmup = TimeSpan.FromSeconds(result.GetValue(warmup)),
                ServerPids = result.GetValue(serverPids) ?? [],
            };
            using var driver = new TransactionBankDriver(options);
            await driver.SetUpAsync(Console.Out, ct);
            var run = await driver.RunAsync(ct);
            Console.WriteLine(run.Describe());
            if (run.FirstError is { } error)
            {
                Console.WriteLine($"  first error: {error}");
            }

            Console.WriteLine(run.Summary());
            return run.Committed > 0 && run.TotalOk ? 0 : 1;
        });
        return command;
    }
}
