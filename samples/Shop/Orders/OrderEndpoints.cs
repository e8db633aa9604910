using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Errors;
using Platform.EventLog;
using Platform.KeyValue;
using Platform.Sagas;
using Platform.Transactions;
using Shop.Catalog;

namespace Shop.Orders;

/// <summary>
/// <c>POST /orders</c> starts the order saga (create → charge → reserve → confirm) with the request's
/// <c>Idempotency-Key</c> as the order id, so the same request twice starts one saga; <c>GET /orders/{id}</c> shows it.
/// The saga's steps call back <c>create</c>, <c>confirm</c> and (compensating) <c>cancel</c>, each applied once per key.
/// </summary>
public static class OrderEndpoints
{
    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        app.MapPost("/orders", Place).RequireIdempotencyKey();
        app.MapGet("/orders/{orderId}", Get);
        MapTransition(app, "create", "created");
        MapTransition(app, "confirm", "confirmed");
        MapTransition(app, "cancel", "cancelled");
        return app;
    }

    public static string OrderKey(string orderId) => $"order:{orderId}";

    private static async Task<Results<Accepted<OrderView>, NotFound, ProblemHttpResult>> Place(OrderRequest order, HttpContext http, IKeyValueStore kv, ISagas sagas, IOptions<ShopOptions> options, CancellationToken ct)
    {
        var key = IdempotencyKeys.Of(http);
        if (order.Qty is < 1 or > 1_000)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad quantity", detail: "qty must be 1 to 1000.");
        }

        var shop = options.Value;
        if (await kv.GetAsync(shop.Namespace, CatalogEndpoints.ItemKey(order.Sku), ct) is not { } stored)
        {
            return TypedResults.NotFound();
        }

        var item = JsonSerializer.Deserialize<CatalogItem>(stored.Value)!;
        var orderId = $"o-{key}";
        var input = JsonSerializer.Serialize(new { orderId, sku = order.Sku, qty = order.Qty, amount = item.Price * order.Qty });
        var saga = await sagas.StartAsync(shop.Saga, orderId, input, ct);
        return TypedResults.Accepted($"/orders/{orderId}", new OrderView(orderId, saga.State, null, saga.CurrentStep));
    }

    private static async Task<Results<Ok<OrderView>, NotFound>> Get(string orderId, IKeyValueStore kv, ISagas sagas, IOptions<ShopOptions> options, CancellationToken ct)
    {
        try
        {
            var saga = await sagas.GetAsync(orderId, ct);
            var record = await kv.GetAsync(options.Value.Namespace, OrderKey(orderId), ct);
            return TypedResults.Ok(new OrderView(orderId, saga.State, record is null ? null : Encoding.UTF8.GetString(record.Value), saga.CurrentStep));
        }
        catch (PlatformNotFoundException)
        {
            return TypedResults.NotFound();
        }
    }

    /// <summary><c>POST /orders/{orderId}/{effect}</c>: sets the order record to <paramref name="state"/> once per key and publishes the event.</summary>
    private static void MapTransition(IEndpointRouteBuilder app, string effect, string state) =>
        app.MapPost($"/orders/{{orderId}}/{effect}", (string orderId, HttpContext http, ShopEffects effects, IEventLog log, IOptions<ShopOptions> options, CancellationToken ct) =>
            Transition(orderId, effect, state, IdempotencyKeys.Of(http), effects, log, options.Value, ct)).RequireIdempotencyKey();

    private static async Task<Ok<string>> Transition(string orderId, string effect, string state, string key, ShopEffects effects, IEventLog log, ShopOptions shop, CancellationToken ct)
    {
        var outcome = await effects.ApplyOnceAsync(effect, key, [], [TransactionOp.Put(OrderKey(orderId), state)], ct);
        if (outcome == EffectOutcome.Applied)
        {
            // After the commit: a crash between the two loses this event (the order record is the truth).
            await log.ProduceAsync(shop.Topic, [new ProduceRecord { Key = orderId, Value = Encoding.UTF8.GetBytes($"{{\"order\":\"{orderId}\",\"event\":\"{state}\"}}") }], cancellationToken: ct);
        }

        return TypedResults.Ok(state);
    }
}
