namespace Shop.Inventory;

/// <summary>The reserve and release steps' body (templated by the saga, so the quantity arrives as text).</summary>
public sealed record ReserveRequest(string OrderId, string Qty);
