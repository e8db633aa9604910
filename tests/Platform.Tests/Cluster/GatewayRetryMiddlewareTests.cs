using Microsoft.AspNetCore.Http;
using Platform.Client.Host.Cluster;

namespace Platform.Tests.Cluster;

/// <summary>The client host retries a safe request once when the gateway under it was lost, and never a write.</summary>
public sealed class GatewayRetryMiddlewareTests
{
    private static (GatewayRetryMiddleware Middleware, Func<int> Calls) Failing(int failures, Exception error)
    {
        var calls = 0;
        var middleware = new GatewayRetryMiddleware(_ =>
        {
            calls++;
            return calls <= failures ? Task.FromException(error) : Task.CompletedTask;
        });
        return (middleware, () => calls);
    }

    private static DefaultHttpContext Request(string method) => new() { Request = { Method = method } };

    /// <summary>A GET that lost its gateway once is run again and succeeds.</summary>
    [Fact]
    public async Task Get_AfterOneGatewayLoss_IsRetriedOnceAndSucceeds()
    {
        var (middleware, calls) = Failing(1, new SiloUnavailableException("gateway died"));

        await middleware.InvokeAsync(Request("GET"));

        Assert.Equal(2, calls());
    }

    /// <summary>A second loss in a row surfaces (bounded: one retry only).</summary>
    [Fact]
    public async Task Get_AfterTwoGatewayLosses_Throws()
    {
        var (middleware, calls) = Failing(2, new SiloUnavailableException("gateway died"));

        await Assert.ThrowsAsync<SiloUnavailableException>(() => middleware.InvokeAsync(Request("GET")));

        Assert.Equal(2, calls());
    }

    /// <summary>A PUT is not retried: it may have been applied before the connection broke.</summary>
    [Fact]
    public async Task Put_AfterGatewayLoss_IsNotRetried()
    {
        var (middleware, calls) = Failing(1, new SiloUnavailableException("gateway died"));

        await Assert.ThrowsAsync<SiloUnavailableException>(() => middleware.InvokeAsync(Request("PUT")));

        Assert.Equal(1, calls());
    }

    /// <summary>Other errors (bad input, bugs) are not retried.</summary>
    [Fact]
    public async Task Get_WithNonConnectionError_IsNotRetried()
    {
        var (middleware, calls) = Failing(1, new InvalidOperationException("bug"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(Request("GET")));

        Assert.Equal(1, calls());
    }
}
