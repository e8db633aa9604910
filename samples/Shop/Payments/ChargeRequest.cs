namespace Shop.Payments;

/// <summary>The charge step's body (templated by the saga, so the amount arrives as text).</summary>
public sealed record ChargeRequest(string Amount);
