using System.Net;

namespace Platform.Bench.Load;

/// <summary>The one way the drivers make an HttpClient: pooled HTTP/1.1 keep-alive, no proxy, cookies or decompression.</summary>
internal static class BenchHttp
{
    public static HttpClient CreateClient(Uri baseUrl, int connections, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = baseUrl,
            Timeout = timeout,
        };
}
