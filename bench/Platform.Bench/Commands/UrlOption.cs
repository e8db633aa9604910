using System.CommandLine;

namespace Platform.Bench.Commands;

/// <summary>The <c>--url</c> option of the HTTP drivers: an absolute http(s) base URL of a client host.</summary>
internal static class UrlOption
{
    public static Option<Uri> Create() => new("--url")
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
}
