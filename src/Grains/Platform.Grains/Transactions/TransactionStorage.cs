namespace Platform.Transactions;

/// <summary>Names of the transactional state of transactional shards.</summary>
public static class TransactionStorage
{
    /// <summary>The storage name in <c>[TransactionalState]</c>: grain storage (wrapped by Orleans) or a transactional state storage factory.</summary>
    public const string Name = "TransactionStore";

    /// <summary>The state name inside each shard grain.</summary>
    public const string StateName = "kv";
}
