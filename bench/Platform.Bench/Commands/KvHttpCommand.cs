using System.CommandLine;
using Platform.Bench.Load;

namespace Platform.Bench.Commands;

/// <summary><c>kv-http</c>: load on the HTTP API of a running client host.</summary>
internal static class KvHttpCommand
{
    public static Command Create()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "Base URL of the client host.",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"),
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                r.AddError($"--url must be an absolute http(s) URL (got '{text}').");
                return null;
            },
        };
        var load = new LoadCommandOptions();
        var command = new Command("kv-http", "Drive GET or PUT /v1/kv/{ns}/{key} over HTTP.") { url };
        load.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var options = load.Read(result);
            return LoadRunner.RunAsync(new HttpKvTarget(result.GetRequiredValue(url), options.Namespace, options.Concurrency), options, ct);
        });
        return command;
    }
}
