using System.CommandLine;
using Platform.Bench.Load;

namespace Platform.Bench.Commands;

/// <summary>The options every load command shares (shape of the load, not the target).</summary>
internal sealed class LoadCommandOptions
{
    public Option<KeyValueOperation> Operation { get; } = new("--op")
    {
        Description = "Operation to drive: get or put.",
        DefaultValueFactory = _ => KeyValueOperation.Get,
    };

    public Option<int> Concurrency { get; } = (new Option<int>("--concurrency", "-c")
    {
        Description = "Operations in flight.",
        DefaultValueFactory = _ => 64,
    }).AtLeast(1);

    public Option<int> ValueSize { get; } = (new Option<int>("--value-size")
    {
        Description = "Value size in bytes.",
        DefaultValueFactory = _ => 100,
    }).AtLeast(1);

    public Option<int> Keys { get; } = (new Option<int>("--keys")
    {
        Description = "Distinct keys, picked uniformly at random.",
        DefaultValueFactory = _ => 10_000,
    }).AtLeast(1);

    public Option<double> Duration { get; } = new("--duration", "-d")
    {
        Description = "Measured seconds.",
        DefaultValueFactory = _ => 10,
    };

    public Option<double> Warmup { get; } = new("--warmup")
    {
        Description = "Seconds of unmeasured load first.",
        DefaultValueFactory = _ => 2,
    };

    public Option<bool> NoPreload { get; } = new("--no-preload")
    {
        Description = "Skip writing every key before a GET run.",
    };

    public Option<string> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Namespace to use (must exist).",
        DefaultValueFactory = _ => "default",
    };

    public Option<string> KeyPrefix { get; } = new("--key-prefix")
    {
        Description = "Prefix of the generated keys.",
        DefaultValueFactory = _ => "bench-",
    };

    public Option<int> ServerPid { get; } = new("--server-pid")
    {
        Description = "PID of the server process on this machine: also report its CPU time per operation.",
    };

    public void AddTo(Command command)
    {
        command.Add(ServerPid);
        command.Add(Operation);
        command.Add(Concurrency);
        command.Add(ValueSize);
        command.Add(Keys);
        command.Add(Duration);
        command.Add(Warmup);
        command.Add(NoPreload);
        command.Add(Namespace);
        command.Add(KeyPrefix);
        Duration.Above(0.0);
        Warmup.AtLeast(0.0);
    }

    public LoadOptions Read(ParseResult result) => new()
    {
        Operation = result.GetValue(Operation),
        Concurrency = result.GetValue(Concurrency),
        ValueSize = result.GetValue(ValueSize),
        Keys = result.GetValue(Keys),
        Duration = TimeSpan.FromSeconds(result.GetValue(Duration)),
        Warmup = TimeSpan.FromSeconds(result.GetValue(Warmup)),
        Preload = !result.GetValue(NoPreload),
        Namespace = result.GetRequiredValue(Namespace),
        KeyPrefix = result.GetRequiredValue(KeyPrefix),
        ServerPid = result.GetValue(ServerPid),
    };
}
