using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Locks;
using Platform.Transactions;
using Shop.Catalog;

namespace Shop.Inventory;

/// <summary>
/// The inventory service: <c>reserve</c> takes stock for an order once per <c>Idempotency-Key</c> (409 when there is
/// not enough), <c>release</c>, its compensation, puts a reservation back once (200 when there is none).
/// </summary>
public static class InventoryEndpoints
{
    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app)
    {
        app.MapPost("/inventory/{sku}/reserve", Reserve).RequireIdempotencyKey();
        app.MapPost("/inventory/{sku}/release", Release).RequireIdempotencyKey();
        return app;
    }

    public static string ReservationKey(string orderId) => $"reservation:{orderId}";

    private static async Task<Results<Ok<string>, ProblemHttpResult>> Reserve(string sku, ReserveRequest reserve, HttpContext http, ShopEffects effects, ILocks locks, CancellationToken ct)
    {
        var key = IdempotencyKeys.Of(http);
        if (!long.TryParse(reserve.Qty, NumberStyles.None, CultureInfo.InvariantCulture, out var qty) || qty < 1)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad quantity", detail: "qty must be a positive integer.");
        }

        // The transaction alone keeps stock from going negative. The per-SKU lock queues reservations of one SKU, so
        // under a rush they wait their turn instead of conflicting and retrying.
        await using var skuLock = await locks.AcquireAsync($"shop.sku.{sku}", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), ct);
        var outcome = await effects.ApplyOnceAsync("reserve", key,
            [TransactionCompare.ValueOf(CatalogEndpoints.StockKey(sku), TransactionCompareOp.GreaterOrEqual, qty)],
            [TransactionOp.Add(CatalogEndpoints.StockKey(sku), -qty), TransactionOp.Put(ReservationKey(reserve.OrderId), qty.ToString(CultureInfo.InvariantCulture))], ct);
        return outcome == EffectOutcome.Refused
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Out of stock", detail: $"Fewer than {qty} of '{sku}' left.")
            : TypedResults.Ok("reserved");
    }

    private static async Task<Results<Ok<string>, ProblemHttpResult>> Release(string sku, ReserveRequest reserve, HttpContext http, ShopEffects effects, CancellationToken ct)
    {
        var key = IdempotencyKeys.Of(http);
        if (!long.TryParse(reserve.Qty, NumberStyles.None, CultureInfo.InvariantCulture, out var qty))
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad quantity", detail: "qty must be a non-negative integer.");
        }

        var outcome = await effects.ApplyOnceAsync("release", key, [TransactionCompare.Exists(ReservationKey(reserve.OrderId))],
            [TransactionOp.Add(CatalogEndpoints.StockKey(sku), qty), TransactionOp.Delete(ReservationKey(reserve.OrderId))], ct);
        return TypedResults.Ok(outcome == EffectOutcome.Refused ? "nothing reserved" : "released");
    }
}
