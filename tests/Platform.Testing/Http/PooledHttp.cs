using System.Net;

namespace Platform.Testing.Http;

/// <summary>The one way tests and load drivers make an HttpClient of their own: pooled HTTP/1.1 keep-alive, no proxy, cookies or decompression.</summary>
public static class PooledHttp
{
    public static HttpClient Create(Uri baseAddress, int maxConnections, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = baseAddress,
            Timeout = timeout,
        };
}
