using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Transactions;

/// <summary>POST /v1/txn and single-key access to transactional namespaces, over HTTP against the 2-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TransactionApiTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>Atomicity: the last operation fails (add to a non-integer), so the earlier puts and adds on other shards never show.</summary>
    [Fact]
    public async Task Txn_WhenLastOpFails_LeavesEveryKeyUnchanged()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http);
        for (var i = 0; i < 6; i++)
        {
            await TransactionHttp.Put(Http, ns, $"k{i}", "10");
        }

        await TransactionHttp.Put(Http, ns, "text", "not a number");

        var response = await TransactionHttp.Post(Http, new
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
        });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Equal("opFailed", problem.GetProperty("reason").GetString());
        Assert.True(problem.GetProperty("retrySafe").GetBoolean());
        Assert.Contains("text", problem.GetProperty("detail").GetString());
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(("10", 1L), await TransactionHttp.Get(Http, ns, $"k{i}"));
        }

        Assert.Equal(("not a number", 1L), await TransactionHttp.Get(Http, ns, "text"));
        Assert.Null(await TransactionHttp.Get(Http, ns, "new-key"));
    }

    /// <summary>An add that would overflow a signed 64-bit integer aborts the whole transaction too.</summary>
    [Fact]
    public async Task Txn_WhenAddOverflows_AbortsAndLeavesKeysUnchanged()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http);
        await TransactionHttp.Put(Http, ns, "big", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await TransactionHttp.Put(Http, ns, "other", "1");

        var response = await TransactionHttp.Post(Http, new
        {
            @namespace = ns,
            success = new object[] { new { op = "add", key = "other", value = "1" }, new { op = "add", key = "big", value = "1" } },
        });

        await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Equal(("1", 1L), await TransactionHttp.Get(Http, ns, "other"));
    }

    /// <summary>A comparison that does not hold runs exactly the failure branch: its ops apply, the success ops do not.</summary>
    [Fact]
    public async Task Txn_WhenCompareFails_RunsExactlyTheFailureBranch()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http);
        await TransactionHttp.Put(Http, ns, "a", "5");

        var result = await TransactionHttp.Ok(await TransactionHttp.Post(Http, new
        {
            @namespace = ns,
            compare = new object[]
            {
                new { key = "a", target = "value", op = ">=", value = "5" },
                new { key = "a", target = "value", op = "==", value = 6 },
            },
            success = new object[] { new { op = "put", key = "on-success", value = "s" }, new { op = "add", key = "a", value = "100" } },
            failure = new object[] { new { op = "put", key = "on-failure", value = "f" }, new { op = "get", key = "a" } },
        }));

        Assert.False(result["succeeded"]!.GetValue<bool>());
        var results = result["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal("put", results[0]!["op"]!.GetValue<string>());
        Assert.Equal(1, results[0]!["version"]!.GetValue<long>());
        Assert.Equal("5", results[1]!["value"]!.GetValue<string>());
        Assert.Null(await TransactionHttp.Get(Http, ns, "on-success"));
        Assert.Equal(("f", 1L), await TransactionHttp.Get(Http, ns, "on-failure"));
        Assert.Equal(("5", 1L), await TransactionHttp.Get(Http, ns, "a"));
    }

    /// <summary>Every comparison target and the result of every op kind, on keys spread over shards.</summary>
    [Fact]
    public async Task Txn_WhenComparesHold_AppliesSuccessAndAnswersEachOpsResult()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http);
        await TransactionHttp.Put(Http, ns, "ten", "10");
        await TransactionHttp.Put(Http, ns, "word", "b");
        await TransactionHttp.Put(Http, ns, "gone", "x");

        var result = await TransactionHttp.Ok(await TransactionHttp.Post(Http, new
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
        }));

        Assert.True(result["succeeded"]!.GetValue<bool>());
        var r = result["results"]!.AsArray();
        Assert.Equal(7, r.Count);
        Assert.Equal(("add", 2L, "7"), (Op(r[0]), Version(r[0]), r[0]!["value"]!.GetValue<string>()));
        Assert.Equal(("get", 2L, "7"), (Op(r[1]), Version(r[1]), r[1]!["value"]!.GetValue<string>()));
        Assert.Equal(("put", 2L), (Op(r[2]), Version(r[2])));
        Assert.Equal(("delete", true, 1L), (Op(r[3]), r[3]!["found"]!.GetValue<bool>(), Version(r[3])));
        Assert.False(r[4]!["found"]!.GetValue<bool>());
        Assert.Equal(("add", 1L, "1"), (Op(r[5]), Version(r[5]), r[5]!["value"]!.GetValue<string>()));
        Assert.False(r[6]!["found"]!.GetValue<bool>());

        Assert.Equal(("7", 2L), await TransactionHttp.Get(Http, ns, "ten"));
        Assert.Null(await TransactionHttp.Get(Http, ns, "gone"));
        var word = await Http.GetAsync($"/v1/kv/{ns}/word");
        Assert.Equal([0xff, 0x00], await word.Content.ReadAsByteArrayAsync());
        Assert.Equal("\"2\"", word.Headers.ETag!.Tag);

        static string Op(JsonNode? n) => n!["op"]!.GetValue<string>();
        static long Version(JsonNode? n) => n!["version"]!.GetValue<long>();
    }

    /// <summary>Single-key GET/PUT/DELETE on a transactional namespace keep versions, ETags, If-Match and If-None-Match; listing works.</summary>
    [Fact]
    public async Task SingleKeyOps_OnTransactionalNamespace_KeepVersionAndConditionSemantics()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http);
        var created = await Http.PutAsync($"/v1/kv/{ns}/k", new StringContent("v1"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);

        var update = new HttpRequestMessage(HttpMethod.Put, $"/v1/kv/{ns}/k") { Content = new StringContent("v2") };
        update.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var updated = await Http.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag!.Tag);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/v1/kv/{ns}/k") { Content = new StringContent("v3") };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var staleProblem = await ProblemAssert.IsProblem(await Http.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, staleProblem.GetProperty("currentVersion").GetInt64());

        var createOnly = new HttpRequestMessage(HttpMethod.Put, $"/v1/kv/{ns}/k") { Content = new StringContent("v3") };
        createOnly.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        await ProblemAssert.IsProblem(await Http.SendAsync(createOnly), HttpStatusCode.PreconditionFailed);

        Assert.Equal(("v2", 2L), await TransactionHttp.Get(Http, ns, "k"));
        await TransactionHttp.Put(Http, ns, "k2", "other");

        var list = await TransactionHttp.Ok(await Http.GetAsync($"/v1/kv/{ns}?limit=1"));
        Assert.Equal("k", list["items"]![0]!["key"]!.GetValue<string>());
        var next = await TransactionHttp.Ok(await Http.GetAsync($"/v1/kv/{ns}?limit=1&continuationToken={list["continuationToken"]!.GetValue<string>()}"));
        Assert.Equal("k2", next["items"]![0]!["key"]!.GetValue<string>());

        var badDelete = new HttpRequestMessage(HttpMethod.Delete, $"/v1/kv/{ns}/k");
        badDelete.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
        await ProblemAssert.IsProblem(await Http.SendAsync(badDelete), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/v1/kv/{ns}/k")).StatusCode);
        Assert.Null(await TransactionHttp.Get(Http, ns, "k"));
        await ProblemAssert.IsProblem(await Http.DeleteAsync($"/v1/kv/{ns}/k"), HttpStatusCode.NotFound);

        var info = await TransactionHttp.Ok(await Http.GetAsync($"/v1/namespaces/{ns}"));
        Assert.True(info["transactional"]!.GetValue<bool>());
        var shards = await TransactionHttp.Ok(await Http.GetAsync($"/v1/namespaces/{ns}/shards"));
        Assert.Equal(1, shards["items"]!.AsArray().Sum(s => s!["keys"]!.GetValue<long>()));
    }

    /// <summary>A deleted and re-created transactional namespace starts empty; transactions reach the new generation.</summary>
    [Fact]
    public async Task Txn_AfterNamespaceRecreated_SeesOnlyTheNewGeneration()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http, shards: 2);
        await TransactionHttp.Put(Http, ns, "a", "1");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/v1/namespaces/{ns}")).StatusCode);
        var again = await Http.PutAsync($"/v1/namespaces/{ns}", new StringContent("{\"shards\":2,\"transactional\":true}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);

        var result = await TransactionHttp.Ok(await TransactionHttp.Post(Http, new { @namespace = ns, success = new object[] { new { op = "get", key = "a" } } }));
        Assert.False(result["results"]![0]!["found"]!.GetValue<bool>());
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
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http, shards: 1);
        var problem = await ProblemAssert.IsProblem(await TransactionHttp.Post(Http, body.Replace("NS", ns, StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        var list = await TransactionHttp.Ok(await Http.GetAsync($"/v1/kv/{ns}"));
        Assert.Empty(list["items"]!.AsArray());
    }

    /// <summary>More ops than Platform:Transactions:MaxOps (128) answers 400 naming the list.</summary>
    [Fact]
    public async Task Txn_WithMoreThanMaxOps_Answers400NamingTheList()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http, shards: 1);
        var ops = Enumerable.Range(0, 129).Select(i => new { op = "put", key = $"k{i}", value = "v" }).ToArray();
        var problem = await ProblemAssert.IsProblem(await TransactionHttp.Post(Http, new { @namespace = ns, success = ops }), HttpStatusCode.BadRequest);
        Assert.Equal("success", problem.GetProperty("field").GetString());

        var exactly = await TransactionHttp.Ok(await TransactionHttp.Post(Http, new { @namespace = ns, success = ops[..128] }));
        Assert.Equal(128, exactly["results"]!.AsArray().Count);
    }

    /// <summary>Transactions on a non-transactional namespace answer 400 naming the namespace; a missing one 404.</summary>
    [Fact]
    public async Task Txn_OnNonTransactionalNamespace_Answers400()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http, shards: 1, transactional: false);
        var problem = await ProblemAssert.IsProblem(
            await TransactionHttp.Post(Http, new { @namespace = ns, success = new object[] { new { op = "get", key = "a" } } }), HttpStatusCode.BadRequest);
        Assert.Equal("namespace", problem.GetProperty("field").GetString());

        await ProblemAssert.IsProblem(
            await TransactionHttp.Post(Http, new { @namespace = "no-such-namespace", success = new object[] { new { op = "get", key = "a" } } }), HttpStatusCode.NotFound);
    }

    /// <summary>A put over the value limit answers 413 and applies nothing.</summary>
    [Fact]
    public async Task Txn_WithValueOverLimit_Answers413()
    {
        var ns = await TransactionHttp.CreateTransactionalNamespace(Http, shards: 1);
        var big = new string('x', 65537);
        await ProblemAssert.IsProblem(await TransactionHttp.Post(Http, new
        {
            @namespace = ns,
            success = new object[] { new { op = "put", key = "small", value = "s" }, new { op = "put", key = "big", value = big } },
        }), HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await TransactionHttp.Get(Http, ns, "small"));
    }
}
