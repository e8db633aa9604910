namespace Shop.Orders;

/// <summary>An order as <c>GET /orders/{id}</c> shows it: the saga's state and the order record's.</summary>
public sealed record OrderView(string OrderId, string SagaState, string? OrderState, string? CurrentStep);
