using System.Collections.Concurrent;
using System.Net;

namespace Platform.Bench.Load.Discovery;

/// <summary>The primary handler of the handler benchmark: answers 200 at once and counts the instances it was sent to.</summary>
internal sealed class NoNetworkHandler(NoNetworkHandler.Counter counter) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        counter.Seen(request.RequestUri!.Port);
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }

    /// <summary>Distinct ports (instances) requests reached.</summary>
    internal sealed class Counter
    {
        private readonly ConcurrentDictionary<int, bool> _ports = new();

        public int Distinct => _ports.Count;

        public void Seen(int port) => _ports.TryAdd(port, true);
    }
}
