using Microsoft.Extensions.Options;
using Platform.Caches;
using Platform.EventLog;
using Platform.Sagas;
using Platform.Sharding;

namespace Shop;

/// <summary>
/// At start-up, makes what the shop uses (each call is idempotent, so every replica of the shop runs it): the
/// transactional namespace, the catalog cache, the order-events topic and the order saga's definition.
/// </summary>
public sealed partial class ShopSetup(INamespaceAdmin namespaces, ICaches caches, IEventLog log, ISagas sagas, IOptions<ShopOptions> options, ILogger<ShopSetup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var shop = options.Value;
        await namespaces.CreateAsync(shop.Namespace, new NamespaceSpec { Shards = 4, Transactional = true }, cancellationToken);
        await caches.PutAsync(shop.Cache, new CacheSpec { Shards = 4, Capacity = new CacheCapacity { Entries = 10_000 }, DefaultTtlMs = 60_000 }, cancellationToken);
        await log.CreateTopicAsync(shop.Topic, new TopicSettings { Partitions = 4 }, cancellationToken);
        await sagas.PutDefinitionAsync(shop.Saga, OrderSaga(shop.BaseUrl.TrimEnd('/')), cancellationToken);
        LogReady(shop.BaseUrl, shop.Namespace, shop.Cache, shop.Topic, shop.Saga);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shop ready on {BaseUrl}: namespace {Namespace}, cache {Cache}, topic {Topic}, saga {Saga}")]
    private partial void LogReady(string baseUrl, string @namespace, string cache, string topic, string saga);

    /// <summary>
    /// create → charge → reserve → confirm; compensations cancel, refund and release run in reverse for every step
    /// that completed or whose outcome is unknown. Each call carries <c>Idempotency-Key: {sagaId}:{step}</c>.
    /// </summary>
    public static IReadOnlyList<SagaStep> OrderSaga(string baseUrl)
    {
        var once = new SagaRetry { MaxAttempts = 2, BackoffMs = 20 };
        var reservation = """{"orderId":"{{input.orderId}}","qty":"{{input.qty}}"}""";
        return new SagaDefinitionBuilder()
            .Step("create", SagaOps.Http("POST", $"{baseUrl}/orders/{{{{input.orderId}}}}/create"),
                compensate: SagaOps.Http("POST", $"{baseUrl}/orders/{{{{input.orderId}}}}/cancel"), retry: once)
            .Step("charge", SagaOps.Http("POST", $"{baseUrl}/payments/{{{{input.orderId}}}}/charge", """{"amount":"{{input.amount}}"}"""),
                compensate: SagaOps.Http("POST", $"{baseUrl}/payments/{{{{input.orderId}}}}/refund"), retry: once)
            .Step("reserve", SagaOps.Http("POST", $"{baseUrl}/inventory/{{{{input.sku}}}}/reserve", reservation),
                compensate: SagaOps.Http("POST", $"{baseUrl}/inventory/{{{{input.sku}}}}/release", reservation), retry: once)
            .Step("confirm", SagaOps.Http("POST", $"{baseUrl}/orders/{{{{input.orderId}}}}/confirm"), retry: once)
            .Build();
    }
}
