using System.Globalization;
using System.Net.Sockets;
using Platform.Discovery;

namespace Platform.Silo.Hosting.Discovery;

/// <summary>
/// The active probes: <c>http</c> is a GET through a named <see cref="HttpClient"/> (2xx and 3xx pass; redirects are
/// not followed), <c>tcp</c> a connect. The checker grain's token carries the check's timeout.
/// </summary>
public sealed class HealthProbe(IHttpClientFactory http) : IHealthProbe
{
    /// <summary>The named HTTP client of <c>http</c> checks.</summary>
    public const string HttpClientName = "Platform.Discovery.Checks";

    public async Task<(bool Passed, string Reason)> ProbeAsync(HealthCheckTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            if (target.Check.Http is { } path)
            {
                var url = Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
                    ? absolute
                    : new Uri(new UriBuilder(target.Scheme, target.Address, target.Port).Uri, path);
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var status = (int)response.StatusCode;
                return (status is >= 200 and < 400, string.Create(CultureInfo.InvariantCulture, $"HTTP GET {url.PathAndQuery}: {status}"));
            }

            using var tcp = new TcpClient();
            await tcp.ConnectAsync(target.Address, target.Port, cancellationToken);
            return (true, string.Create(CultureInfo.InvariantCulture, $"TCP connect {target.Address}:{target.Port}: connected"));
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException)
        {
            return (false, ex.Message);
        }
    }
}
