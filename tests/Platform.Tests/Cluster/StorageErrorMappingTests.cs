using System.Diagnostics.CodeAnalysis;
using System.Net;
using Azure;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.Transactions;
using Platform.Client.Cluster;
using Platform.Errors;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Testing.Cluster;
using Platform.Tests.Infrastructure;
using Platform.Tests.Locks;
using Platform.Transactions;

namespace Platform.Tests.Cluster;

/// <summary>
/// Failures that used to answer 500: Azure storage throttling or an outage, an ETag race lost in storage (Orleans'
/// <c>InconsistentStateException</c>), state that kept changing while read, and Orleans transaction failures outside
/// <c>/v1/txn</c> (e.g. <c>/shards</c> of a transactional namespace). Each maps to a Platform refusal (503 with
/// Retry-After, or 409) through one translation per side: the silo's (<see cref="StorageErrors"/>) and the typed
/// client's (transaction failures, <c>ClusterErrors</c>); the HTTP host answers them from its one problem table.
/// </summary>
public sealed class StorageErrorMappingTests(StorageErrorMappingTests.FaultyCluster fixture) : IClassFixture<StorageErrorMappingTests.FaultyCluster>
{
    public static TheoryData<int, bool> AzureStatuses() => new()
    {
        { 429, true }, { 503, true }, { 500, true }, { 502, true }, { 504, true }, { 408, true }, { 0, true },
        { 400, false }, { 403, false }, { 404, false }, { 409, false }, { 412, false },
    };

    /// <summary>Azure throttling and outages (429, 5xx, 408, no response) become 503 with Retry-After 1 s; other statuses are left alone (a bug or a conflict the storage handles itself).</summary>
    [Theory]
    [MemberData(nameof(AzureStatuses))]
    public void Translate_AzureRequestFailed_IsUnavailableOnlyForThrottlingAndOutages(int status, bool unavailable)
    {
        var refusal = StorageErrors.Translate(new RequestFailedException(status, "injected", "ServerBusy", null));

        Assert.Equal(unavailable, refusal is not null);
        if (refusal is not null)
        {
            Assert.Equal(PlatformErrorKind.Unavailable, refusal.Kind);
            Assert.Equal(TimeSpan.FromSeconds(1), refusal.RetryAfter);
            Assert.Contains($"HTTP {status}", refusal.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The service's own Retry-After is kept (capped at 60 s), found however deep the Azure exception is wrapped.</summary>
    [Theory]
    [InlineData("7", 7)]
    [InlineData("600", 60)]
    [InlineData("soon", 1)]
    public void Translate_AzureThrottlingWithRetryAfter_KeepsTheServicesDelay(string header, int seconds)
    {
        using var response = new ThrottledResponse(header);
        var wrapped = new OrleansException("storage provider failed", new AggregateException(new RequestFailedException(response)));

        var refusal = StorageErrors.Translate(wrapped);

        Assert.NotNull(refusal);
        Assert.Equal(TimeSpan.FromSeconds(seconds), refusal.RetryAfter);
    }

    /// <summary>
    /// An ETag race lost in storage and state that kept changing while read become 503 with Retry-After; Platform
    /// refusals and Orleans transaction failures pass the silo untouched (the typed client classifies the latter).
    /// </summary>
    [Fact]
    public void Translate_StorageRacesAreUnavailable_RefusalsAndTransactionFailuresPass()
    {
        Assert.Equal(PlatformErrorKind.Unavailable, StorageErrors.Translate(new InconsistentStateException("ETag mismatch", "1", "2"))?.Kind);
        Assert.Equal(PlatformErrorKind.Unavailable, StorageErrors.Translate(new OrleansException("write failed", new InconsistentStateException("kept changing")))?.Kind);
        Assert.Null(StorageErrors.Translate(new PlatformConflictException("held")));
        Assert.Null(StorageErrors.Translate(new OrleansTransactionAbortedException("tx", new InconsistentStateException("lost"))));
        Assert.Null(StorageErrors.Translate(new InvalidOperationException("a bug")));
    }

    /// <summary>
    /// The typed client's side: Orleans transaction failures that reach a single-key call or <c>/shards</c> become
    /// 409 (an abort: nothing applied) or 503 with Retry-After (a shard that could not serve, a timeout, no
    /// transaction service); anything still unclassified that is a storage race or a transaction failure is transient.
    /// </summary>
    [Fact]
    public void Classify_OrleansTransactionFailures_Are409Or503()
    {
        AssertClassified(new OrleansTransactionAbortedException("tx", new InconsistentStateException("lost a race")), "conflict", unavailable: false);
        AssertClassified(new OrleansTransactionAbortedException("tx", new PlatformUnavailableException("storage busy")), "unavailable", unavailable: true);
        AssertClassified(new InconsistentStateException("kept changing while it was loaded"), "unavailable", unavailable: true);
        AssertClassified(new OrleansTransactionServiceNotAvailableException(), "unavailable", unavailable: true);
        AssertClassified(new OrleansTransactionPrepareTimeoutException("tx", new TimeoutException()), "timeout", unavailable: true);

        // Outcome unknown: a 503 that must never say a retry is safe (a retry could apply the transfer twice).
        AssertClassified(new OrleansTransactionInDoubtException("tx", new TimeoutException()), "inDoubt", unavailable: true, retrySafe: false);
        AssertClassified(new TimeoutException("no answer"), "timeout", unavailable: true, retrySafe: false);

        Assert.True(ClusterErrors.IsTransient(new InconsistentStateException("ETag mismatch")));
        Assert.True(ClusterErrors.IsTransient(new OrleansTransactionAbortedException("tx", "unclassified")));
        Assert.False(ClusterErrors.IsTransient(new InvalidOperationException("a bug")));
    }

    /// <summary>A shard write that Azure throttles answers 503 with Retry-After (problem+json, nothing stored); the retry succeeds.</summary>
    [Fact]
    public async Task Put_WhenStorageThrottles_Answers503WithRetryAfterAndTheRetrySucceeds()
    {
        var ns = await NamespaceAsync(transactional: false);
        fixture.Faults.FailWrites($"write/{ns}/", 1, StorageFaults.Throttled);

        var problem = await ProblemAssert.IsProblem(fixture.Cluster.Api.PutKeyAsync(ns, "k", "v"), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("HTTP 503", problem.Detail, StringComparison.Ordinal);
        var answer = await fixture.Cluster.Api.PutKeyAsync(ns, "k", "v");
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal(1, answer.Version);
    }

    /// <summary>A shard write whose storage reports an ETag race as Orleans does (InconsistentStateException) answers 503 with Retry-After.</summary>
    [Fact]
    public async Task Put_WhenStorageReportsInconsistentState_Answers503WithRetryAfter()
    {
        var ns = await NamespaceAsync(transactional: false);
        fixture.Faults.FailWrites($"write/{ns}/", 1, () => new InconsistentStateException("injected: ETag mismatch", "1", "2"));

        var answer = await fixture.Cluster.Api.PutKeyAsync(ns, "k", "v");
        ProblemAssert.IsProblem(answer, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), answer.RetryAfter);
    }

    /// <summary>A shard whose activation cannot load its keys (throttled) answers 503 with Retry-After, not 500; the next call activates it.</summary>
    [Fact]
    public async Task Get_WhenTheShardsLoadIsThrottled_Answers503AndTheRetryServes()
    {
        var ns = await NamespaceAsync(transactional: false);
        fixture.Faults.FailWrites($"load/{ns}/", 1, StorageFaults.Throttled);

        var answer = await fixture.Cluster.Api.GetKeyAsync(ns, "k");
        ProblemAssert.IsProblem(answer, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(answer.RetryAfter);
        await ProblemAssert.IsProblem(fixture.Cluster.Api.GetKeyAsync(ns, "k"), HttpStatusCode.NotFound);
    }

    /// <summary>
    /// <c>/shards</c> of a transactional namespace whose transactional state storage fails under it: each shard's stats
    /// are a transaction, and its failure answers 409 or 503 with Retry-After (a problem, never a 500); so does a
    /// write whose commit cannot be stored.
    /// </summary>
    [Fact]
    public async Task ShardMap_OfATransactionalNamespaceWhoseStorageFails_AnswersAProblemNot500()
    {
        var ns = await NamespaceAsync(transactional: true);
        (await fixture.Cluster.Api.PutKeyAsync(ns, "k", "v")).Expect(HttpStatusCode.Created);
        fixture.Faults.FailRandomly(ns, probability: 1, seed: 1, StorageFaults.Throttled);
        try
        {
            // Orleans writes state even for a read-only transaction, so each shard's stats fail to commit: in doubt, 503.
            var answer = await fixture.Cluster.Api.GetShardMapAsync(ns);
            Assert.True(answer.Status is 409 or 503, $"Expected 409 or 503: {answer}");
            ProblemAssert.IsProblem(answer, answer.StatusCode);
            if (answer.Status == 503)
            {
                Assert.NotNull(answer.RetryAfter);
            }

            var put = await fixture.Cluster.Api.PutKeyAsync(ns, "k", "w");
            Assert.True(put.Status is 409 or 503, $"Expected 409 or 503 for a write whose commit cannot be stored: {put}");
            ProblemAssert.IsProblem(put, put.StatusCode);
        }
        finally
        {
            fixture.Faults.Clear(ns);
        }
    }

    private static void AssertClassified(Exception exception, string reason, bool unavailable, bool retrySafe = true)
    {
        var failed = TransactionFailures.Classify(exception);
        Assert.NotNull(failed);
        Assert.Equal(reason, failed.Reason);
        Assert.Equal(retrySafe, failed.RetrySafe);
        Assert.Equal(unavailable ? PlatformErrorKind.Unavailable : PlatformErrorKind.Conflict, failed.Kind);
        Assert.Equal(unavailable ? TimeSpan.FromSeconds(1) : null, failed.RetryAfter);
    }

    private async Task<string> NamespaceAsync(bool transactional)
    {
        var ns = $"err-{Guid.NewGuid():N}"[..16];
        (await fixture.Cluster.Api.CreateNamespaceAsync(ns, shards: 1, transactional: transactional)).Expect(HttpStatusCode.Created);
        return ns;
    }

    /// <summary>One silo with the HTTP host, its shard storage and transactional state storage behind <see cref="StorageFaults"/>.</summary>
    public sealed class FaultyCluster : IAsyncLifetime
    {
        private const string InnerTransactionStorage = "txn-inner";

        public StorageFaults Faults { get; } = new();

        public PlatformTestCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await PlatformTestCluster.StartAsync(new PlatformTestClusterOptions
        {
            Silos = 1,
            ConfigureSilo =
            {
                silo =>
                {
                    silo.Services.AddSingleton<IShardStorage>(new FaultyKeyValueStorage(new MemoryShardStorage(), Faults));
                    silo.AddMemoryGrainStorage(InnerTransactionStorage);
                    silo.Services.AddKeyedSingleton<IGrainStorage>(TransactionStorage.Name, (sp, _) =>
                        new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerTransactionStorage), Faults));
                },
            },
        });

        public async Task DisposeAsync()
        {
            if (Cluster is not null)
            {
                await Cluster.DisposeAsync();
            }
        }
    }

    /// <summary>Shard storage with <see cref="StorageFaults"/> on entry writes (target <c>write/{shard}</c>) and loads (<c>load/{shard}</c>).</summary>
    private sealed class FaultyKeyValueStorage(IShardStorage inner, StorageFaults faults) : IShardStorage
    {
        public async Task<IReadOnlyList<StoredEntry>> LoadAsync(ShardId shard, CancellationToken cancellationToken = default)
        {
            IReadOnlyList<StoredEntry> entries = [];
            await faults.Apply($"load/{shard}", async () => entries = await inner.LoadAsync(shard, cancellationToken));
            return entries;
        }

        public Task<StoredEntry?> ReadAsync(ShardId shard, string key, CancellationToken cancellationToken = default) => inner.ReadAsync(shard, key, cancellationToken);

        public async Task<string> WriteAsync(ShardId shard, KeyValueEntry entry, string? expectedETag, CancellationToken cancellationToken = default)
        {
            var etag = "";
            await faults.Apply($"write/{shard}", async () => etag = await inner.WriteAsync(shard, entry, expectedETag, cancellationToken));
            return etag;
        }

        public Task DeleteAsync(ShardId shard, string key, string expectedETag, CancellationToken cancellationToken = default) => inner.DeleteAsync(shard, key, expectedETag, cancellationToken);

        public Task DropAsync(ShardId shard, CancellationToken cancellationToken = default) => inner.DropAsync(shard, cancellationToken);

        public Task<StoredShardLease?> ReadLeaseAsync(ShardId shard, CancellationToken cancellationToken = default) => inner.ReadLeaseAsync(shard, cancellationToken);

        public Task<string> WriteLeaseAsync(ShardId shard, ShardLease lease, string? expectedETag, CancellationToken cancellationToken = default) =>
            inner.WriteLeaseAsync(shard, lease, expectedETag, cancellationToken);
    }

    /// <summary>An Azure response of 503 ServerBusy with a Retry-After header.</summary>
    [SuppressMessage("Design", "CA1065", Justification = "Test double.")]
    private sealed class ThrottledResponse(string retryAfter) : Response
    {
        public override int Status => 503;

        public override string ReasonPhrase => "Server Busy";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "test";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => string.Equals(name, "Retry-After", StringComparison.OrdinalIgnoreCase);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [new HttpHeader("Retry-After", retryAfter)];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = ContainsHeader(name) ? retryAfter : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = ContainsHeader(name) ? [retryAfter] : null;
            return values is not null;
        }
    }
}
