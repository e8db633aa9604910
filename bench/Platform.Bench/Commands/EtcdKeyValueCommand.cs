using System.CommandLine;
using Platform.Bench.Load;

namespace Platform.Bench.Commands;

/// <summary><c>etcd-kv</c>: the same load as <c>kv-http</c> on an etcd cluster (put, linearizable get), for side-by-side figures.</summary>
internal static class EtcdKeyValueCommand
{
    public static Command Create()
    {
        var endpoints = new Option<string>("--endpoints")
        {
            Description = "Comma-separated client URLs of the etcd members.",
            DefaultValueFactory = _ => "http://127.0.0.1:2379",
        };
        var load = new LoadCommandOptions();
        var command = new Command("etcd-kv", "Drive etcd put or linearizable get (range) over its JSON gateway.") { endpoints };
        load.AddTo(command);
        command.Validators.Add(r =>
        {
            if (!TryParse(r.GetValue(endpoints) ?? "", out _))
            {
                r.AddError("--endpoints must be a comma-separated list of absolute http(s) URLs.");
            }
        });
        command.SetAction((result, ct) =>
        {
            var options = load.Read(result);
            return !TryParse(result.GetRequiredValue(endpoints), out var urls)
                ? Task.FromResult(2)
                : LoadRunner.RunAsync(new EtcdKeyValueTarget(urls, options.Concurrency), options, ct);
        });
        return command;
    }

    private static bool TryParse(string text, out List<Uri> urls)
    {
        urls = [];
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return false;
            }

            urls.Add(uri);
        }

        return urls.Count > 0;
    }
}
