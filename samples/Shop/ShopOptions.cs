namespace Shop;

/// <summary><c>Shop</c>: where the shop listens and which platform names it uses.</summary>
public sealed class ShopOptions
{
    public const string SectionName = "Shop";

    /// <summary>The shop's own URL: it listens there, and the order saga's steps call it there.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5090";

    /// <summary>Transactional namespace for the catalog, stock, orders, payments and idempotency records.</summary>
    public string Namespace { get; set; } = "shop";

    /// <summary>Event-log topic of order events (created, confirmed, cancelled).</summary>
    public string Topic { get; set; } = "shop-orders";

    /// <summary>Cache in front of the catalog.</summary>
    public string Cache { get; set; } = "shop-catalog";

    /// <summary>Saga definition of an order.</summary>
    public string Saga { get; set; } = "shop-order";

    /// <summary>The payment service declines a charge above this (so a test can make the second step fail).</summary>
    public long MaxChargeAmount { get; set; } = 1_000;
}
