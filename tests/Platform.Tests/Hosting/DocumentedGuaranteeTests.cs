using System.Net;
using Platform.KeyValue;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;
using Platform.Transactions;

namespace Platform.Tests.Hosting;

/// <summary>Guarantees the docs state (README, docs/api.md, docs/locks.md, docs/transactions.md) that no other test checked, on the shared cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DocumentedGuaranteeTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    private static string Fresh(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>A GET whose If-None-Match names the current version answers 304 with no body and the same ETag; another version gets the value.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_WithIfNoneMatchOfTheCurrentVersion_Answers304(bool transactional)
    {
        var ns = Fresh("nm");
        (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: transactional)).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "k", "v1")).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "k", "v2")).Expect(HttpStatusCode.OK);

        var same = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { IfNoneMatch = 2 });
        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        Assert.Equal(2, same.Version);
        Assert.Equal("", same.Text);

        var older = await Api.GetKeyAsync(ns, "k", new KeyValueConditions { IfNoneMatch = 1 });
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        Assert.Equal("v2", older.Text);
    }

    /// <summary>`transactional` is part of a namespace's identity: re-creating it with the other value answers 409 and changes nothing; the same settings answer 200.</summary>
    [Fact]
    public async Task CreateNamespace_AgainWithDifferentTransactional_Answers409AndKeepsTheNamespace()
    {
        var ns = Fresh("tx");
        (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: true)).Expect(HttpStatusCode.Created);
        (await Api.PutKeyAsync(ns, "k", "kept")).Expect(HttpStatusCode.Created);

        ProblemAssert.IsProblem(await Api.CreateNamespaceAsync(ns, shards: 2, transactional: false), HttpStatusCode.Conflict);
        (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: true)).Expect(HttpStatusCode.OK);

        Assert.True((await Api.GetNamespaceAsync(ns)).Ok().Transactional);
        Assert.Equal("kept", (await Api.GetKeyAsync(ns, "k")).Text);

        var plain = Fresh("pl");
        (await Api.CreateNamespaceAsync(plain, shards: 2)).Expect(HttpStatusCode.Created);
        ProblemAssert.IsProblem(await Api.CreateNamespaceAsync(plain, shards: 2, transactional: true), HttpStatusCode.Conflict);
        Assert.False((await Api.GetNamespaceAsync(plain)).Ok().Transactional);
    }

    /// <summary>An owner holds one lease per name: its second acquire answers 409 naming it as the holder, and its first lease is unchanged.</summary>
    [Fact]
    public async Task Acquire_TwiceBySameOwner_Answers409AndKeepsTheFirstLease()
    {
        var name = Fresh("twice");
        var first = (await Api.AcquireLockAsync(name, "w1", leaseMs: 30_000)).Ok();

        var second = ProblemAssert.IsProblem(await Api.AcquireLockAsync(name, "w1", leaseMs: 30_000), HttpStatusCode.Conflict);

        Assert.NotNull(second.Holders);
        var status = (await Api.GetLockAsync(name)).Ok();
        Assert.Equal([("w1", first.Token)], status.HolderTokens);
        Assert.Equal(first.Token, status.LastToken);
        (await Api.ReleaseLockAsync(name, "w1", first.Token)).Expect(HttpStatusCode.NoContent);
    }

    /// <summary>
    /// Write skew is impossible (serializable): two transactions each check that both on-call doctors are on call and
    /// take a different one off. Under snapshot isolation both could commit and leave nobody on call; here, over 30
    /// concurrent rounds on keys of different shards, at most one of each pair commits and someone is always left.
    /// </summary>
    [Fact]
    public async Task Transactions_ThatEachCheckBothKeysAndWriteOne_NeverBothCommit()
    {
        var ns = Fresh("skew");
        (await Api.CreateNamespaceAsync(ns, shards: 8, transactional: true)).Expect(HttpStatusCode.Created);
        var kv = fixture.Service<IKeyValueStore>();
        var both = 0;
        for (var round = 0; round < 30; round++)
        {
            string a = $"alice-{round}", b = $"bob-{round}";
            Assert.True((await kv.Transaction(ns).Then(TransactionOp.Put(a, "1"), TransactionOp.Put(b, "1")).CommitAsync()).Succeeded);
            Task<bool> OffCall(string who) => Task.Run(async () =>
            {
                try
                {
                    return (await kv.Transaction(ns)
                        .If(TransactionCompare.ValueOf(a, TransactionCompareOp.Equal, 1), TransactionCompare.ValueOf(b, TransactionCompareOp.Equal, 1))
                        .Then(TransactionOp.Put(who, "0"))
                        .CommitAsync()).Succeeded;
                }
                catch (Platform.Errors.PlatformTransactionFailedException ex) when (ex.RetrySafe)
                {
                    return false;
                }
            });

            var results = await Task.WhenAll(OffCall(a), OffCall(b));
            var read = await kv.Transaction(ns).Then(TransactionOp.Get(a), TransactionOp.Get(b)).CommitAsync();
            var onCall = read.Results.Count(r => System.Text.Encoding.UTF8.GetString(r.Value!) == "1");
            Assert.True(onCall >= 1, $"round {round}: both doctors went off call (commits: {string.Join(", ", results)})");
            Assert.Equal(2 - results.Count(x => x), onCall);
            both += results.All(x => x) ? 1 : 0;
        }

        Assert.Equal(0, both);
    }
}
