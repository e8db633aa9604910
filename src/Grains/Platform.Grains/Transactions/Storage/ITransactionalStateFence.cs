namespace Platform.Transactions.Storage;

/// <summary>
/// A transactional state storage that can fence off every earlier writer: after <see cref="FenceAsync"/>, no store an
/// earlier activation started (ETag-checked against what it loaded or wrote) can land.
/// </summary>
public interface ITransactionalStateFence
{
    /// <summary>Changes the state's ETag without changing the state.</summary>
    Task FenceAsync(CancellationToken cancellationToken = default);
}
