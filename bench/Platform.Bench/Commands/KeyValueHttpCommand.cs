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
        var consistency = new Option<string?>("--consistency")
        {
            Description = "Platform-Consistency of each GET (strong, session or eventual; replicated namespaces). Default: none sent.",
        };
        consistency.AcceptOnlyFromAmong("strong", "session", "eventual");
        var command = new Command("kv-http", "Drive GET or PUT /v1/kv/{ns}/{key} over HTTP.") { url, consistency };
        load.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var options = load.Read(result);
            return LoadRunner.RunAsync(new HttpKeyValueTarget(result.GetRequiredValue(url), options.Namespace, options.Concurrency, result.GetValue(consistency)), options, ct);
        });
        return command;
    }
}
