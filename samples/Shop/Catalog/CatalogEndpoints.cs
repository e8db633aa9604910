using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Caches;
using Platform.KeyValue;
using Platform.Transactions;

namespace Shop.Catalog;

/// <summary>
/// <c>PUT /catalog/{sku}</c> sets an item and its stock in one transaction and drops the cached copy;
/// <c>GET /catalog/{sku}</c> reads the item through the catalog cache (cache-aside) and the stock live.
/// </summary>
public static class CatalogEndpoints
{
    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        app.MapPut("/catalog/{sku}", Put);
        app.MapGet("/catalog/{sku}", Get);
        return app;
    }

    public static string ItemKey(string sku) => $"item:{sku}";

    public static string StockKey(string sku) => $"stock:{sku}";

    private static async Task<Results<Ok<CatalogItem>, ProblemHttpResult>> Put(string sku, CatalogItem item, IKeyValueStore kv, ICaches caches, IOptions<ShopOptions> options, CancellationToken ct)
    {
        if (item.Price < 0 || item.Stock < 0 || string.IsNullOrWhiteSpace(item.Name))
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad item", detail: "name is required; price and stock must not be negative.");
        }

        var shop = options.Value;
        await kv.Transaction(shop.Namespace)
            .Then(TransactionOp.Put(ItemKey(sku), JsonSerializer.SerializeToUtf8Bytes(item with { Stock = 0 }), "application/json"),
                TransactionOp.Put(StockKey(sku), item.Stock.ToString(CultureInfo.InvariantCulture)))
            .CommitAsync(ct);
        await caches.RemoveAsync(shop.Cache, sku, ct);
        return TypedResults.Ok(item);
    }

    private static async Task<Results<Ok<CatalogItem>, NotFound>> Get(string sku, IKeyValueStore kv, ICaches caches, IOptions<ShopOptions> options, CancellationToken ct)
    {
        var shop = options.Value;
        CacheEntry cached;
        try
        {
            // The item rarely changes: served from the cache, loaded from the namespace on a miss. Stock is read live.
            cached = await caches.GetOrSetAsync(shop.Cache, sku, async token =>
                (await kv.GetAsync(shop.Namespace, ItemKey(sku), token))?.Value ?? throw new KeyNotFoundException(sku), cancellationToken: ct);
        }
        catch (KeyNotFoundException)
        {
            return TypedResults.NotFound();
        }

        var item = JsonSerializer.Deserialize<CatalogItem>(cached.Value)!;
        var stock = await kv.GetAsync(shop.Namespace, StockKey(sku), ct);
        return TypedResults.Ok(item with { Stock = stock is null ? 0 : long.Parse(Encoding.UTF8.GetString(stock.Value), CultureInfo.InvariantCulture) });
    }
}
