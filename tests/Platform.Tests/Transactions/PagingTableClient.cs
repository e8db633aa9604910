using System.Linq.Expressions;
using Azure;
using Azure.Data.Tables;

namespace Platform.Tests.Transactions;

/// <summary>
/// A real <see cref="TableClient"/> (Azurite) whose queries come back one entity per page, as Azure may page any
/// query, with a hook that runs once between the first and the second page: a writer racing a paginated read.
/// </summary>
public sealed class PagingTableClient(TableClient inner) : TableClient
{
    private Func<Task>? _betweenPages;

    /// <summary>Runs <paramref name="hook"/> once, after the first page of the next query.</summary>
    public void BetweenPages(Func<Task> hook) => _betweenPages = hook;

    public override AsyncPageable<T> QueryAsync<T>(Expression<Func<T, bool>> filter, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        new OnePerPage<T>(inner.QueryAsync<T>(filter, 1, select, cancellationToken), this);

    public override Task<NullableResponse<T>> GetEntityIfExistsAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        inner.GetEntityIfExistsAsync<T>(partitionKey, rowKey, select, cancellationToken);

    public override Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default) =>
        inner.SubmitTransactionAsync(transactionActions, cancellationToken);

    private async Task AfterFirstPage()
    {
        if (Interlocked.Exchange(ref _betweenPages, null) is { } hook)
        {
            await hook();
        }
    }

    private sealed class OnePerPage<T>(AsyncPageable<T> pages, PagingTableClient owner) : AsyncPageable<T>
        where T : notnull
    {
        public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            var first = true;
            await foreach (var page in pages.AsPages(continuationToken, 1))
            {
                yield return page;
                if (first)
                {
                    first = false;
                    await owner.AfterFirstPage();
                }
            }
        }
    }
}
