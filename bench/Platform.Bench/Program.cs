using System.CommandLine;
using Platform.Bench.Commands;

// Platform's benchmark driver. Load commands print human lines and one "RESULT key=value ..." line each.
var root = new RootCommand("Platform benchmarks: load on the key-value store over HTTP or the typed client, and micro-benchmarks.")
{
    KeyValueHttpCommand.Create(),
    KeyValueClientCommand.Create(),
    LocksCommand.Create(),
    EtcdKeyValueCommand.Create(),
    TransactionHttpCommand.Create(),
    LogCommand.Create(),
    SagasHttpCommand.Create(),
    DiscoveryCommand.Create(),
    MicroCommand.Create(),
};
foreach (var command in CacheCommands.Create())
{
    root.Add(command);
}

return await root.Parse(args).InvokeAsync();
