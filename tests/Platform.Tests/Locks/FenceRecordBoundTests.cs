using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Platform.KeyValue;
using Platform.KeyValue.Storage;
using Platform.Sharding;
using Platform.Testing.Http;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Locks;

/// <summary>
/// A key's fence record (one entry per lock that fenced a write of it) is bounded by
/// <c>Platform:KeyValue:MaxFencesPerKey</c>: entries whose lock has granted a later token are pruned to make room,
/// and a new lock is refused (409) only while every entry's lock is still at the token the key saw.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FenceRecordBoundTests(ClusterFixture fixture)
{
    private static readonly int Bound = new KeyValueOptions().MaxFencesPerKey;

    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// Three times the bound of locks each fence one write of the same key and then move on (a later token is granted).
    /// Every write is accepted and the stored record never holds more than the bound.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FencedWrites_FromManyLocksThatMovedOn_AreAcceptedAndTheRecordStaysBounded(bool transactional)
    {
        var ns = await CreateNamespace(transactional);
        const string key = "many-locks";
        var prefix = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3 * Bound; i++)
        {
            var name = $"bound.{prefix}.{i}";
            var token = (await Api.AcquireLockAsync(name, "writer")).Ok().Token;
            (await Api.PutKeyAsync(ns, key, $"by lock {i}", KeyValueConditions.Fenced(name, token))).ExpectSuccess();
            (await Api.ReleaseLockAsync(name, "writer", token)).Expect(HttpStatusCode.NoContent);

            // The lock moves on: a later holder is granted a higher token (and writes elsewhere, or not at all).
            var next = (await Api.AcquireLockAsync(name, "next")).Ok().Token;
            (await Api.ReleaseLockAsync(name, "next", next)).Expect(HttpStatusCode.NoContent);
        }

        Assert.Equal($"by lock {3 * Bound - 1}", (await Api.GetKeyAsync(ns, key)).Text);
        if (!transactional)
        {
            var fences = (await StoredEntry(ns, key)).Fences;
            Assert.NotNull(fences);
            Assert.InRange(fences.Count, 1, Bound);
            Assert.Equal(1, fences[$"bound.{prefix}.{3 * Bound - 1}"]);
        }
    }

    /// <summary>
    /// With the record full of locks that have not moved on, a fenced write naming one more lock is refused with 409
    /// naming the bound; unfenced writes and writes fenced by a lock already in the record still succeed.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FencedWrite_WithOneLockMoreThanTheBoundStillCurrent_IsRefusedAndTheKeyStaysWritable(bool transactional)
    {
        var ns = await CreateNamespace(transactional);
        const string key = "full-record";
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var tokens = new List<(string Name, long Token)>();
        for (var i = 0; i < Bound; i++)
        {
            var name = $"full.{prefix}.{i}";
            var token = (await Api.AcquireLockAsync(name, "holder", leaseMs: 60_000)).Ok().Token;
            tokens.Add((name, token));
            (await Api.PutKeyAsync(ns, key, $"by lock {i}", KeyValueConditions.Fenced(name, token))).ExpectSuccess();
        }

        var extra = $"full.{prefix}.extra";
        var extraToken = (await Api.AcquireLockAsync(extra, "holder", leaseMs: 60_000)).Ok().Token;
        var refused = ProblemAssert.IsProblem(await Api.PutKeyAsync(ns, key, "one lock too many", KeyValueConditions.Fenced(extra, extraToken)), HttpStatusCode.Conflict);
        Assert.Contains("MaxFencesPerKey", refused.Detail, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await Api.PutKeyAsync(ns, key, "unfenced")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutKeyAsync(ns, key, "known lock", KeyValueConditions.Fenced(tokens[0].Name, tokens[0].Token))).StatusCode);

        // Once one of the recorded locks moves on, its entry is pruned and the new lock fits.
        (await Api.ReleaseLockAsync(tokens[1].Name, "holder", tokens[1].Token)).Expect(HttpStatusCode.NoContent);
        var next = (await Api.AcquireLockAsync(tokens[1].Name, "next")).Ok().Token;
        (await Api.ReleaseLockAsync(tokens[1].Name, "next", next)).Expect(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutKeyAsync(ns, key, "extra lock fits", KeyValueConditions.Fenced(extra, extraToken))).StatusCode);

        Assert.Equal("extra lock fits", (await Api.GetKeyAsync(ns, key)).Text);
        (await Api.ReleaseLockAsync(extra, "holder", extraToken)).Expect(HttpStatusCode.NoContent);
        foreach (var (name, token) in tokens.Where((_, i) => i != 1))
        {
            (await Api.ReleaseLockAsync(name, "holder", token)).Expect(HttpStatusCode.NoContent);
        }
    }

    private async Task<KeyValueEntry> StoredEntry(string ns, string key)
    {
        var location = (await Api.LocateAsync(ns, key)).Ok();
        var storage = fixture.Cluster.Primary.Services.GetRequiredService<IShardStorage>();
        var stored = await storage.ReadAsync(ShardId.Parse(location.Grain), key);
        Assert.NotNull(stored);
        return stored.Entry;
    }

    private async Task<string> CreateNamespace(bool transactional)
    {
        var ns = $"fbound-{Guid.NewGuid():N}"[..16];
        (await Api.CreateNamespaceAsync(ns, 2, transactional)).Ok(HttpStatusCode.Created);
        return ns;
    }
}
