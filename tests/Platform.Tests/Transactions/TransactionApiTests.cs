using System.Globalization;
using System.Net;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Transactions;

/// <summary>POST /v1/txn and single-key access to transactional namespaces, over HTTP against the 2-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TransactionApiTests(ClusterFixture fixture)
{
    private PlatformApiClient Api => fixture.Api;

    /// <summary>Atomicity: the last operation fails (add to a non-integer), so the earlier puts and adds on other shards never show.</summary>
    [Fact]
    public async Task Txn_WhenLastOpFails_LeavesEveryKeyUnchanged()
    {
        var ns = await CreateNamespace();
        for (var i = 0; i < 6; i++)
        {
            await Put(ns, $"k{i}", "10");
        }

        await Put(ns, "text", "not a number");

        var problem = ProblemAssert.IsProblem(await Api.TransactAsync(new
        {
            @namespace = ns,
            success = new object[]
            {
                new { op = "put", key = "k0", value = "changed" },
                new { op = "add", key = "k1", value = "5" },
                new { op = "delete", key = "k2" },
                new { op = "put", key = "new-key", value = "x" },
                new { op = "add", key = "k3", value = -7 },
                new { op = "add", key = "text", value = "1" },
            },
        }), HttpStatusCode.Conflict);

        Assert.Equal("opFailed", problem.Reason);
        Assert.True(problem.RetrySafe);
        Assert.Contains("text", problem.Detail, StringComparison.Ordinal);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(("10", 1L), await Get(ns, $"k{i}"));
        }

        Assert.Equal(("not a number", 1L), await Get(ns, "text"));
        Assert.Null(await Get(ns, "new-key"));
    }

    /// <summary>An add that would overflow a signed 64-bit integer aborts the whole transaction too.</summary>
    [Fact]
    public async Task Txn_WhenAddOverflows_AbortsAndLeavesKeysUnchanged()
    {
        var ns = await CreateNamespace();
        await Put(ns, "big", long.MaxValue.ToString(CultureInfo.InvariantCulture));
        await Put(ns, "other", "1");

        await ProblemAssert.IsProblem(Api.TransactAsync(new
        {
            @namespace = ns,
            success = new object[] { new { op = "add", key = "other", value = "1" }, new { op = "add", key = "big", value = "1" } },
        }), HttpStatusCode.Conflict);
        Assert.Equal(("1", 1L), await Get(ns, "other"));
    }

    /// <summary>A comparison that does not hold runs exactly the failure branch: its ops apply, the success ops do not.</summary>
    [Fact]
    public async Task Txn_WhenCompareFails_RunsExactlyTheFailureBranch()
    {
        var ns = await CreateNamespace();
        await Put(ns, "a", "5");

        var result = (await Api.TransactAsync(new
        {
            @namespace = ns,
            compare = new object[]
            {
                new { key = "a", target = "value", op = ">=", value = "5" },
                new { key = "a", target = "value", op = "==", value = 6 },
            },
            success = new object[] { new { op = "put", key = "on-success", value = "s" }, new { op = "add", key = "a", value = "100" } },
            failure = new object[] { new { op = "put", key = "on-failure", value = "f" }, new { op = "get", key = "a" } },
        })).Ok(HttpStatusCode.OK);

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Results.Count);
        Assert.Equal(("put", 1L), (result.Results[0].Op, result.Results[0].Version));
        Assert.Equal("5", result.Results[1].Value);
        Assert.Null(await Get(ns, "on-success"));
        Assert.Equal(("f", 1L), await Get(ns, "on-failure"));
        Assert.Equal(("5", 1L), await Get(ns, "a"));
    }

    /// <summary>Every comparison target and the result of every op kind, on keys spread over shards.</summary>
    [Fact]
    public async Task Txn_WhenComparesHold_AppliesSuccessAndAnswersEachOpsResult()
    {
        var ns = await CreateNamespace();
        await Put(ns, "ten", "10");
        await Put(ns, "word", "b");
        await Put(ns, "gone", "x");

        var result = (await Api.TransactAsync(new
        {
            @namespace = ns,
            compare = new object[]
            {
                new { key = "ten", target = "value", op = ">", value = "9" }, // numeric: 10 > 9 (ordinal "10" < "9")
                new { key = "word", target = "value", op = ">", value = "a" }, // ordinal bytes
                new { key = "ten", target = "version", op = "==", value = 1 },
                new { key = "missing", target = "version", op = "==", value = "0" },
                new { key = "missing", target = "exists", op = "==", value = false },
                new { key = "word", target = "exists", op = "!=", value = "false" },
            },
            success = new object[]
            {
                new { op = "add", key = "ten", value = "-3" },
                new { op = "get", key = "ten" },
                new { op = "put", key = "word", valueBase64 = Convert.ToBase64String([0xff, 0x00]), contentType = "application/octet-stream" },
                new { op = "delete", key = "gone" },
                new { op = "delete", key = "never" },
                new { op = "add", key = "counter", value = "1" },
                new { op = "get", key = "never" },
            },
        })).Ok(HttpStatusCode.OK);

        Assert.True(result.Succeeded);
        var r = result.Results;
        Assert.Equal(7, r.Count);
        Assert.Equal(("add", 2L, "7"), (r[0].Op, r[0].Version, r[0].Value));
        Assert.Equal(("get", 2L, "7"), (r[1].Op, r[1].Version, r[1].Value));
        Assert.Equal(("put", 2L), (r[2].Op, r[2].Version));
        Assert.Equal(("delete", true, 1L), (r[3].Op, r[3].Found, r[3].Version));
        Assert.False(r[4].Found);
        Assert.Equal(("add", 1L, "1"), (r[5].Op, r[5].Version, r[5].Value));
        Assert.False(r[6].Found);

        Assert.Equal(("7", 2L), await Get(ns, "ten"));
        Assert.Null(await Get(ns, "gone"));
        var word = await Api.GetKeyAsync(ns, "word");
        Assert.Equal([0xff, 0x00], word.Body);
        Assert.Equal("\"2\"", word.ETag);
    }

    /// <summary>Single-key GET/PUT/DELETE on a transactional namespace keep versions, ETags, If-Match and If-None-Match; listing works.</summary>
    [Fact]
    public async Task SingleKeyOps_OnTransactionalNamespace_KeepVersionAndConditionSemantics()
    {
        var ns = await CreateNamespace();
        var created = await Api.PutKeyAsync(ns, "k", "v1");
        Assert.Equal((HttpStatusCode.Created, "\"1\""), (created.StatusCode, created.ETag));

        var updated = await Api.PutKeyAsync(ns, "k", "v2", KeyValueConditions.Version(1));
        Assert.Equal((HttpStatusCode.OK, "\"2\""), (updated.StatusCode, updated.ETag));

        var stale = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, "k", "v3", KeyValueConditions.Version(1)), HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, stale.CurrentVersion);
        await ProblemAssert.IsProblem(Api.PutKeyAsync(ns, "k", "v3", new KeyValueConditions { CreateOnly = true }), HttpStatusCode.PreconditionFailed);

        Assert.Equal(("v2", 2L), await Get(ns, "k"));
        await Put(ns, "k2", "other");

        var list = (await Api.ListKeysAsync(ns, limit: 1)).Ok();
        Assert.Equal("k", Assert.Single(list.Items).Key);
        var next = (await Api.ListKeysAsync(ns, limit: 1, continuationToken: list.ContinuationToken)).Ok();
        Assert.Equal("k2", Assert.Single(next.Items).Key);

        await ProblemAssert.IsProblem(Api.DeleteKeyAsync(ns, "k", KeyValueConditions.Version(7)), HttpStatusCode.PreconditionFailed);
        (await Api.DeleteKeyAsync(ns, "k")).Expect(HttpStatusCode.NoContent);
        Assert.Null(await Get(ns, "k"));
        await ProblemAssert.IsProblem(Api.DeleteKeyAsync(ns, "k"), HttpStatusCode.NotFound);

        Assert.True((await Api.GetNamespaceAsync(ns)).Ok().Transactional);
        Assert.Equal(1, (await Api.GetShardMapAsync(ns)).Ok().Items.Sum(s => s.Keys));
    }

    /// <summary>A deleted and re-created transactional namespace starts empty; transactions reach the new generation.</summary>
    [Fact]
    public async Task Txn_AfterNamespaceRecreated_SeesOnlyTheNewGeneration()
    {
        var ns = await CreateNamespace(shards: 2);
        await Put(ns, "a", "1");
        (await Api.DeleteNamespaceAsync(ns)).Expect(HttpStatusCode.NoContent);
        (await Api.CreateNamespaceAsync(ns, shards: 2, transactional: true)).Expect(HttpStatusCode.Created);

        var result = (await Api.TransactAsync(new { @namespace = ns, success = new object[] { new { op = "get", key = "a" } } })).Ok();
        Assert.False(Assert.Single(result.Results).Found);
    }

    public static TheoryData<string, string> BadRequests() => new()
    {
        { """{"namespace":"NS","success":[{"op":"increment","key":"a"}]}""", "success[0].op" },
        { """{"namespace":"NS","success":[{"op":"put","value":"x"}]}""", "success[0].key" },
        { """{"namespace":"NS","failure":[{"op":"add","key":"a","value":"ten"}]}""", "failure[0].value" },
        { """{"namespace":"NS","success":[{"op":"add","key":"a","value":"1.5"}]}""", "success[0].value" },
        { """{"namespace":"NS","success":[{"op":"add","key":"a"}]}""", "success[0].value" },
        { """{"namespace":"NS","success":[{"op":"put","key":"a"}]}""", "success[0].value" },
        { """{"namespace":"NS","compare":[{"key":"a","target":"size","op":"==","value":"1"}]}""", "compare[0].target" },
        { """{"namespace":"NS","compare":[{"key":"a","target":"value","op":"=~","value":"1"}]}""", "compare[0].op" },
        { """{"namespace":"NS","compare":[{"key":"a","target":"version","op":"==","value":"one"}]}""", "compare[0].value" },
        { """{"namespace":"NS","compare":[{"key":"a","target":"exists","op":"<","value":true}]}""", "compare[0].op" },
        { """{"namespace":"NS","compare":[{"key":"a","target":"value","op":"=="}]}""", "compare[0].value" },
        { """{"success":[{"op":"get","key":"a"}]}""", "namespace" },
        { """{"namespace":"NS","success":[{"op":"get","key":""}]}""", "success[0].key" },
    };

    /// <summary>Bad input answers 400 naming the field, and nothing is stored.</summary>
    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Txn_WithBadInput_Answers400NamingTheField(string body, string field)
    {
        var ns = await CreateNamespace(shards: 1);
        var problem = ProblemAssert.IsProblem(await Api.TransactAsync(body.Replace("NS", ns, StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.Field);
        Assert.Empty((await Api.ListKeysAsync(ns)).Ok().Items);
    }

    /// <summary>More ops than Platform:Transactions:MaxOps (128) answers 400 naming the list.</summary>
    [Fact]
    public async Task Txn_WithMoreThanMaxOps_Answers400NamingTheList()
    {
        var ns = await CreateNamespace(shards: 1);
        var ops = Enumerable.Range(0, 129).Select(i => new { op = "put", key = $"k{i}", value = "v" }).ToArray();
        var problem = ProblemAssert.IsProblem(await Api.TransactAsync(new { @namespace = ns, success = ops }), HttpStatusCode.BadRequest);
        Assert.Equal("success", problem.Field);

        Assert.Equal(128, (await Api.TransactAsync(new { @namespace = ns, success = ops[..128] })).Ok().Results.Count);
    }

    /// <summary>Transactions on a non-transactional namespace answer 400 naming the namespace; a missing one 404.</summary>
    [Fact]
    public async Task Txn_OnNonTransactionalNamespace_Answers400()
    {
        var ns = await CreateNamespace(shards: 1, transactional: false);
        var problem = ProblemAssert.IsProblem(
            await Api.TransactAsync(new { @namespace = ns, success = new object[] { new { op = "get", key = "a" } } }), HttpStatusCode.BadRequest);
        Assert.Equal("namespace", problem.Field);

        await ProblemAssert.IsProblem(
            Api.TransactAsync(new { @namespace = "no-such-namespace", success = new object[] { new { op = "get", key = "a" } } }), HttpStatusCode.NotFound);
    }

    /// <summary>A put over the value limit answers 413 and applies nothing.</summary>
    [Fact]
    public async Task Txn_WithValueOverLimit_Answers413()
    {
        var ns = await CreateNamespace(shards: 1);
        var big = new string('x', 65537);
        await ProblemAssert.IsProblem(Api.TransactAsync(new
        {
            @namespace = ns,
            success = new object[] { new { op = "put", key = "small", value = "s" }, new { op = "put", key = "big", value = big } },
        }), HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await Get(ns, "small"));
    }

    /// <summary>A fresh transactional (or plain) namespace with a few shards.</summary>
    private async Task<string> CreateNamespace(int shards = 4, bool transactional = true)
    {
        var ns = $"txn-{Guid.NewGuid():N}"[..16];
        (await Api.CreateNamespaceAsync(ns, shards, transactional)).Expect(HttpStatusCode.Created);
        return ns;
    }

    private async Task Put(string ns, string key, string value) => (await Api.PutKeyAsync(ns, key, value)).ExpectSuccess();

    /// <summary>The key's text value and version, or null when it does not exist.</summary>
    private async Task<(string Value, long Version)?> Get(string ns, string key)
    {
        var response = await Api.GetKeyAsync(ns, key);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.Expect(HttpStatusCode.OK);
        return (response.Text, response.Version!.Value);
    }
}
