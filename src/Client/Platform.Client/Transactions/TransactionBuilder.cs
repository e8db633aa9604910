namespace Platform.Transactions;

/// <summary>
/// Builds one transaction in the manner of etcd's Txn: if every comparison holds, the <see cref="Then"/> operations
/// run, else the <see cref="Else"/> operations; all in one serializable, atomic transaction.
/// </summary>
public sealed class TransactionBuilder
{
    private readonly TransactionClient _client;
    private readonly string _namespace;
    private readonly List<TransactionCompare> _compare = [];
    private readonly List<TransactionOp> _success = [];
    private readonly List<TransactionOp> _failure = [];

    internal TransactionBuilder(TransactionClient client, string ns)
    {
        _client = client;
        _namespace = ns;
    }

    /// <summary>Adds comparisons; all of them must hold for the success branch.</summary>
    public TransactionBuilder If(params TransactionCompare[] compare)
    {
        _compare.AddRange(compare);
        return this;
    }

    /// <summary>Adds operations of the success branch.</summary>
    public TransactionBuilder Then(params TransactionOp[] ops)
    {
        _success.AddRange(ops);
        return this;
    }

    /// <summary>Adds operations of the failure branch.</summary>
    public TransactionBuilder Else(params TransactionOp[] ops)
    {
        _failure.AddRange(ops);
        return this;
    }

    /// <summary>
    /// Runs the transaction. Throws <c>PlatformTransactionFailedException</c> when it did not commit (see its
    /// <c>RetrySafe</c>), <c>PlatformValidationException</c> / <c>PlatformPayloadTooLargeException</c> on bad input.
    /// </summary>
    public Task<TransactionResult> CommitAsync(CancellationToken cancellationToken = default) =>
        _client.CommitAsync(_namespace, [.. _compare], [.. _success], [.. _failure], cancellationToken);
}
