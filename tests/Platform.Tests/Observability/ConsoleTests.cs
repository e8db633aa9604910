using System.Net;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Platform.Testing.Http;
using Platform.Testing.Waiting;

namespace Platform.Tests.Observability;

/// <summary>The operator console in a real browser (Debian's chromium driven by Selenium through chromium-driver).</summary>
[Collection(ObservabilityCollection.Name)]
public sealed class ConsoleTests(ObservabilityFixture fixture)
{
    /// <summary>Where Debian installs chromium-driver (scripts/lib/test-services.sh installs it with chromium when missing).</summary>
    private const string ChromeDriver = "/usr/bin/chromedriver";

    private static readonly string[] PanelTopics = ["panel-topic"];

    private PlatformApiClient Api => fixture.Api;

    /// <summary>
    /// The page loads with no console errors and draws the cluster; a namespace created and a lock acquired through
    /// the API afterwards appear on the open page without a reload (the live stream); a screenshot is saved
    /// (to <c>PLATFORM_CONSOLE_SCREENSHOT</c> when set, the README's image is one).
    /// </summary>
    [Fact]
    public async Task Console_InARealBrowser_ShowsTheClusterThenANewNamespaceRingAndLockLive()
    {
        Assert.True(File.Exists(ChromeDriver), $"{ChromeDriver} is missing: run the tests through scripts/test.sh, which installs chromium and chromium-driver.");
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1800");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        using var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));

        await driver.Navigate().GoToUrlAsync(fixture.BaseAddress + "/console");
        await Eventually.Until(() => driver.FindElements(By.CssSelector("#cluster table")).Count > 0 && driver.FindElements(By.CssSelector("#cluster [data-event='joined']")).Count > 0,
            "the console draws the cluster's silos and the silo's join among its membership events", state: () => Head(driver.PageSource));
        Assert.Contains("Active", driver.FindElement(By.Id("cluster")).Text, StringComparison.Ordinal);

        (await Api.CreateNamespaceAsync("console-ns", shards: 6)).ExpectSuccess();
        (await Api.AcquireLockAsync("console.lock", "console-owner", leaseMs: 60_000)).ExpectSuccess();
        await Eventually.Until(() => driver.FindElements(By.CssSelector("[data-namespace='console-ns'] svg path")).Count == 6
            && driver.FindElements(By.CssSelector("[data-lock='console.lock']")).Count == 1,
            "the new namespace's ring (6 shards) and the lock appear on the open page", state: () => driver.FindElement(By.TagName("main")).Text);
        Assert.Contains("console-owner", driver.FindElement(By.Id("locks")).Text, StringComparison.Ordinal);

        var errors = driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));

        var screenshot = Environment.GetEnvironmentVariable("PLATFORM_CONSOLE_SCREENSHOT") is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "platform-console.png");
        driver.GetScreenshot().SaveAsFile(screenshot);
        Assert.True(new FileInfo(screenshot).Length > 0);
    }

    // The page changes between two reads of PageSource: read it once.
    private static string Head(string page) => page[..Math.Min(2000, page.Length)];

    /// <summary>
    /// Work in every block shows in its panel of the snapshot the page draws: a replicated namespace's leader and
    /// term, a lock's holder, transaction counters, a topic, a consumer group's lag, a saga instance with its
    /// history, a cache's hit ratio, a service instance's health, the silo's join among the cluster's events.
    /// </summary>
    [Fact]
    public async Task Snapshot_AfterWorkInEveryBlock_ShowsItInEachPanel()
    {
        (await Api.SendJsonAsync(HttpMethod.Put, "/v1/namespaces/panel-repl", new { shards = 1, replication = new { mode = "leader", replicas = 1, ack = "majority" } })).ExpectSuccess();
        (await Api.PutKeyAsync("panel-repl", "k", "v")).ExpectSuccess();
        (await Api.CreateNamespaceAsync("panel-bank", shards: 1, transactional: true)).ExpectSuccess();
        (await Api.TransactAsync(new { @namespace = "panel-bank", success = new[] { new { op = "put", key = "a", value = "1" } } })).ExpectSuccess();
        (await Api.AcquireLockAsync("panel.lock", "panel-owner", leaseMs: 60_000)).ExpectSuccess();
        (await Api.CreateTopicAsync("panel-topic", partitions: 1)).ExpectSuccess();
        (await Api.ProduceAsync("panel-topic", [(null, "1"), (null, "2"), (null, "3")])).ExpectSuccess();
        var join = await Api.SendJsonAsync(HttpMethod.Post, "/v1/groups/panel-group/members?waitMs=0", new { topics = PanelTopics, sessionTimeoutMs = 300_000 });
        join.ExpectSuccess();
        using var joined = JsonDocument.Parse(join.Text);
        var generation = joined.RootElement.GetProperty("generation").GetInt64();
        var memberId = joined.RootElement.GetProperty("memberId").GetString();
        (await Api.SendJsonAsync(HttpMethod.Post, "/v1/groups/panel-group/offsets", new { memberId, generation, offsets = new[] { new { topic = "panel-topic", partition = 0, offset = 1 } } })).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Put, "/v1/caches/panel-cache", new { shards = 1, capacity = new { entries = 10 } })).ExpectSuccess();
        (await Api.SendAsync(HttpMethod.Put, "/v1/caches/panel-cache/entries/e", () => new StringContent("v"))).ExpectSuccess();
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Get, "/v1/caches/panel-cache/entries/e")).StatusCode);
        (await Api.SendJsonAsync(HttpMethod.Put, "/v1/services/panel-svc/instances/i1", new { address = "127.0.0.1", port = 8080 })).ExpectSuccess();
        (await Api.SendAsync(HttpMethod.Put, "/v1/sagas/definitions/panel-saga", () => new StringContent(
            """{"steps":[{"name":"a","action":{"kind":"http","method":"POST","url":"http://127.0.0.1:9/none"},"retry":{"maxAttempts":1,"backoffMs":0,"jitter":false},"timeoutMs":1000}]}""",
            System.Text.Encoding.UTF8, "application/json"))).ExpectSuccess();
        (await Api.SendJsonAsync(HttpMethod.Post, "/v1/sagas/panel-saga/instances", new { id = "panel-saga-1" })).ExpectSuccess();

        var missing = new List<string>();
        await Eventually.Until(async ct =>
        {
            using var doc = JsonDocument.Parse((await Api.GetAsync("/console/snapshot", ct)).Text);
            var root = doc.RootElement;
            missing.Clear();
            Check(missing, "cluster events", root.GetProperty("cluster").GetProperty("events").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "joined"));
            Check(missing, "replicated namespace's leader and term", Items(root, "namespaces").Any(n => n.GetProperty("name").GetString() == "panel-repl"
                && n.GetProperty("map").EnumerateArray().Any(m => m.TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.Number && m.GetProperty("term").GetInt64() > 0)));
            Check(missing, "lock holder", Items(root, "locks").Any(l => l.GetProperty("name").GetString() == "panel.lock" && l.GetProperty("holders").GetArrayLength() == 1));
            Check(missing, "transaction commits", root.GetProperty("counters").EnumerateObject().Any(c => c.Name.StartsWith("platform.txn.commits", StringComparison.Ordinal) && c.Value.GetInt64() > 0));
            Check(missing, "topic", Items(root, "topics").Any(t => t.GetProperty("name").GetString() == "panel-topic" && t.GetProperty("records").GetInt64() == 3));
            Check(missing, "consumer group lag", Items(root, "groups").Any(g => g.GetProperty("name").GetString() == "panel-group" && g.GetProperty("lag").GetInt64() == 2));
            Check(missing, "saga with history", Items(root, "sagas").Any(x => x.GetProperty("id").GetString() == "panel-saga-1" && x.GetProperty("history").GetArrayLength() > 0));
            Check(missing, "cache hit ratio", Items(root, "caches").Any(c => c.GetProperty("name").GetString() == "panel-cache" && c.GetProperty("hitRatio").ValueKind == JsonValueKind.Number));
            Check(missing, "service health", Items(root, "services").Any(x => x.GetProperty("name").GetString() == "panel-svc" && x.GetProperty("instances").GetArrayLength() == 1));
            return missing.Count == 0;
        }, "every panel shows its block's work", state: () => "missing: " + string.Join(", ", missing));
    }

    // A panel that failed is an object carrying its error: no items.
    private static List<JsonElement> Items(JsonElement root, string panel) =>
        root.GetProperty(panel) is { ValueKind: JsonValueKind.Array } list ? [.. list.EnumerateArray()] : [];

    private static void Check(List<string> missing, string what, bool shown)
    {
        if (!shown)
        {
            missing.Add(what);
        }
    }

    /// <summary>The snapshot the page draws is JSON naming each panel, with no key or value of the data in it.</summary>
    [Fact]
    public async Task Snapshot_NamesEveryPanel_AndCarriesNoKeysOrValues()
    {
        (await Api.CreateNamespaceAsync("snapshot-ns", shards: 2)).ExpectSuccess();
        (await Api.PutKeyAsync("snapshot-ns", "snapshot-secret-key", "snapshot-secret-value")).ExpectSuccess();
        var snapshot = await Api.GetAsync("/console/snapshot");
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        using var doc = JsonDocument.Parse(snapshot.Text);
        foreach (var panel in new[] { "cluster", "namespaces", "locks", "topics", "groups", "sagas", "caches", "services", "counters" })
        {
            Assert.True(doc.RootElement.TryGetProperty(panel, out _), panel);
        }

        Assert.Contains("snapshot-ns", snapshot.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("snapshot-secret", snapshot.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.GetAsync("/console/stream?count=0")).StatusCode);
    }
}
