namespace Platform.Bench.Load;

/// <summary>The shape of one bank-transfer run through <c>POST /v1/txn</c>.</summary>
internal sealed record TransactionBankOptions
{
    public required Uri Url { get; init; }

    /// <summary>Transactional namespace of the accounts; created (with <see cref="Shards"/>) if it does not exist.</summary>
    public required string Namespace { get; init; }

    public required int Accounts { get; init; }

    public required int Shards { get; init; }

    /// <summary>Opening balance of every account.</summary>
    public required long Initial { get; init; }

    /// <summary>Each transfer moves 1..MaxAmount, uniformly.</summary>
    public required int MaxAmount { get; init; }

    /// <summary>Transfers in flight (one closed-loop worker each).</summary>
    public required int Concurrency { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan Warmup { get; init; }

    /// <summary>Server processes on this machine whose CPU time per committed transfer is reported (summed).</summary>
    public required IReadOnlyList<int> ServerPids { get; init; }

    public static string AccountOf(int index) => $"account-{index:D4}";
}
