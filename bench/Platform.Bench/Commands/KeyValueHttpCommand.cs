using System.CommandLine;
using Platform.Bench.Load;

namespace Platform.Bench.Commands;

/// <summary><c>kv-http</c>: load on the HTTP API of a running client host.</summary>
internal static class KeyValueHttpCommand
{
    public static Command Create()
    {
        var url = UrlOption.Create();
        var load = new LoadCommandOptions();
        var command = new Command("kv-http", "Drive GET or PUT /v1/kv/{ns}/{key} over HTTP.") { url };
        load.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var options = load.Read(result);
            return LoadRunner.RunAsync(new HttpKeyValueTarget(result.GetRequiredValue(url), options.Namespace, options.Concurrency), options, ct);
        });
        return command;
    }
}
