using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Transactions;

namespace Shop.Payments;

/// <summary>
/// The payment service: <c>charge</c> records a payment once per <c>Idempotency-Key</c> and declines (402) above
/// <see cref="ShopOptions.MaxChargeAmount"/>; <c>refund</c>, the charge's compensation, refunds a recorded payment once
/// and answers 200 when there is nothing to refund (a compensation must be able to succeed).
/// </summary>
public static class PaymentEndpoints
{
    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        app.MapPost("/payments/{orderId}/charge", Charge).RequireIdempotencyKey();
        app.MapPost("/payments/{orderId}/refund", Refund).RequireIdempotencyKey();
        return app;
    }

    public static string PaymentKey(string orderId) => $"payment:{orderId}";

    public static string RefundKey(string orderId) => $"refund:{orderId}";

    private static async Task<Results<Ok<string>, ProblemHttpResult>> Charge(string orderId, ChargeRequest charge, HttpContext http, ShopEffects effects, IOptions<ShopOptions> options, CancellationToken ct)
    {
        var key = IdempotencyKeys.Of(http);
        if (!long.TryParse(charge.Amount, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad amount", detail: "amount must be a non-negative integer.");
        }

        if (amount > options.Value.MaxChargeAmount)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "Payment declined",
                detail: $"{amount} is above the limit of {options.Value.MaxChargeAmount}.");
        }

        await effects.ApplyOnceAsync("charge", key, [], [TransactionOp.Put(PaymentKey(orderId), amount.ToString(CultureInfo.InvariantCulture))], ct);
        return TypedResults.Ok("charged");
    }

    private static async Task<Ok<string>> Refund(string orderId, HttpContext http, ShopEffects effects, CancellationToken ct)
    {
        var key = IdempotencyKeys.Of(http);
        var outcome = await effects.ApplyOnceAsync("refund", key, [TransactionCompare.Exists(PaymentKey(orderId))],
            [TransactionOp.Delete(PaymentKey(orderId)), TransactionOp.Put(RefundKey(orderId), "refunded")], ct);
        return TypedResults.Ok(outcome == EffectOutcome.Refused ? "nothing to refund" : "refunded");
    }
}
