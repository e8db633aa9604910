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
        await Eventually.Until(() => driver.FindElements(By.CssSelector("#cluster table")).Count > 0, "the console draws the cluster's silos", state: () => Head(driver.PageSource));
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
