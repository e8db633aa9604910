namespace Shop.Orders;

/// <summary><c>POST /orders</c>: what to buy.</summary>
public sealed record OrderRequest(string Sku, long Qty);
