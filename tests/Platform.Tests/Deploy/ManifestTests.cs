using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Platform.Client;
using Platform.Client.Host.Observability;
using Platform.Configuration;
using Platform.ServiceDefaults;
using Platform.Silo.Hosting;
using Platform.Testing.Setup;
using Platform.Tests.Observability;

namespace Platform.Tests.Deploy;

/// <summary>
/// deploy/k8s rendered offline (tools/k8s-validate/render.mjs, the kustomize subset it uses) and checked: every
/// object valid against the Kubernetes API schemas (kubernetes-models, installed by scripts/test.sh), plus the
/// invariants that break deployments. Runs against the observability fixture's host for the served paths.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class ManifestTests(ObservabilityFixture fixture)
{
    public static readonly TheoryData<string> Overlays = new() { "dev", "prod" };

    /// <summary>Every rendered object of the overlay passes the Kubernetes API schema of its kind.</summary>
    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_RendersObjects_ValidAgainstTheKubernetesSchemas(string overlay)
    {
        var (objects, errors) = Render(overlay, validate: true);
        Assert.True(errors.Length == 0 || errors.EndsWith(" 0 invalid\n", StringComparison.Ordinal), errors);
        Assert.Contains(objects, o => Kind(o) == "Deployment" && Name(o) == "platform-silo");
        foreach (var kind in new[] { "ServiceAccount", "Role", "RoleBinding", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy" })
        {
            Assert.Contains(objects, o => Kind(o) == kind);
        }
    }

    /// <summary>
    /// The silo's grace period exceeds its shutdown timeout; probes use paths the hosts serve; container ports equal
    /// the configured silo, gateway and HTTP ports; every Platform__ variable is a real key; selectors match labels;
    /// the silo runs Orleans' Kubernetes hosting with the downward API and a Role allowing what it does.
    /// </summary>
    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Overlay_KeepsTheInvariantsThatBreakDeployments(string overlay)
    {
        var (objects, _) = Render(overlay, validate: false);
        var workloads = objects.Where(o => Kind(o) is "Deployment" or "StatefulSet").ToList();
        var silo = Assert.Single(workloads, w => Name(w) == "platform-silo");
        var siloPod = silo.GetProperty("spec").GetProperty("template").GetProperty("spec");
        var siloContainer = siloPod.GetProperty("containers")[0];
        var env = Env(siloContainer, objects);

        var shutdown = env.TryGetValue("Platform__Silo__ShutdownTimeout", out var t) ? TimeSpan.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : new PlatformSiloOptions().ShutdownTimeout;
        Assert.True(siloPod.GetProperty("terminationGracePeriodSeconds").GetInt32() > shutdown.TotalSeconds + 5, "terminationGracePeriodSeconds must exceed Platform:Silo:ShutdownTimeout with room to spare");

        var ports = siloContainer.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("containerPort").GetInt32());
        Assert.Equal(int.Parse(env.GetValueOrDefault("Platform__Silo__Port", "11111"), System.Globalization.CultureInfo.InvariantCulture), ports["silo"]);
        Assert.Equal(int.Parse(env.GetValueOrDefault("Platform__Silo__GatewayPort", "30000"), System.Globalization.CultureInfo.InvariantCulture), ports["gateway"]);

        foreach (var workload in workloads.Where(w => Name(w).StartsWith("platform-", StringComparison.Ordinal)))
        {
            var pod = workload.GetProperty("spec").GetProperty("template");
            var container = pod.GetProperty("spec").GetProperty("containers")[0];
            var vars = Env(container, objects);
            var http = container.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "http").GetProperty("containerPort").GetInt32();
            Assert.Equal($"http://+:{http}", vars["ASPNETCORE_URLS"]);
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                var get = container.GetProperty(probe).GetProperty("httpGet");
                Assert.Equal("http", get.GetProperty("port").GetString());
                var path = get.GetProperty("path").GetString()!;
                Assert.NotEqual(HttpStatusCode.NotFound, (await fixture.Api.GetAsync(path)).StatusCode);
            }

            Assert.All(vars.Keys.Where(k => k.StartsWith("Platform__", StringComparison.Ordinal)), k => Assert.True(IsRealKey(k), $"{Name(workload)}: {k} is not a Platform configuration key"));
            Labels(pod.GetProperty("metadata")).ShouldContain(workload.GetProperty("spec").GetProperty("selector").GetProperty("matchLabels"), $"{Name(workload)} selector");
            Assert.True(container.GetProperty("resources").TryGetProperty("requests", out _), $"{Name(workload)} requests resources");
        }

        foreach (var service in objects.Where(o => Kind(o) == "Service"))
        {
            var selector = service.GetProperty("spec").GetProperty("selector");
            Assert.True(workloads.Any(w => Labels(w.GetProperty("spec").GetProperty("template").GetProperty("metadata")).Matches(selector)), $"Service {Name(service)} selects no pods");
        }

        foreach (var selecting in objects.Where(o => Kind(o) is "PodDisruptionBudget" or "NetworkPolicy"))
        {
            var selector = Kind(selecting) == "NetworkPolicy" ? selecting.GetProperty("spec").GetProperty("podSelector").GetProperty("matchLabels") : selecting.GetProperty("spec").GetProperty("selector").GetProperty("matchLabels");
            Assert.True(workloads.Any(w => Labels(w.GetProperty("spec").GetProperty("template").GetProperty("metadata")).Matches(selector)), $"{Kind(selecting)} {Name(selecting)} selects no pods");
        }

        var hpa = Assert.Single(objects, o => Kind(o) == "HorizontalPodAutoscaler");
        Assert.Contains(workloads, w => Name(w) == hpa.GetProperty("spec").GetProperty("scaleTargetRef").GetProperty("name").GetString());

        // Orleans' Kubernetes hosting: on, with the pod's name, namespace and IP from the downward API, under a
        // service account whose Role allows reading, watching, labelling and deleting pods.
        Assert.Equal("true", env["Platform__Silo__Kubernetes"]);
        Assert.Equal("metadata.name", FieldRef(siloContainer, "POD_NAME"));
        Assert.Equal("metadata.namespace", FieldRef(siloContainer, "POD_NAMESPACE"));
        Assert.Equal("status.podIP", FieldRef(siloContainer, "POD_IP"));
        var account = siloPod.GetProperty("serviceAccountName").GetString();
        var binding = Assert.Single(objects, o => Kind(o) == "RoleBinding" && o.GetProperty("subjects").EnumerateArray().Any(s => s.GetProperty("name").GetString() == account));
        var role = Assert.Single(objects, o => Kind(o) == "Role" && Name(o) == binding.GetProperty("roleRef").GetProperty("name").GetString());
        var verbs = role.GetProperty("rules").EnumerateArray().Where(r => r.GetProperty("resources").EnumerateArray().Any(x => x.GetString() == "pods"))
            .SelectMany(r => r.GetProperty("verbs").EnumerateArray().Select(v => v.GetString())).ToHashSet();
        Assert.Superset(new HashSet<string?> { "get", "list", "watch", "patch", "delete" }, verbs);

        if (overlay == "dev")
        {
            // Dev brings its own Secret: every secret reference resolves to a key in it.
            foreach (var (name, key) in workloads.SelectMany(SecretRefs))
            {
                var secret = Assert.Single(objects, o => Kind(o) == "Secret" && Name(o) == name);
                Assert.True(secret.GetProperty("stringData").TryGetProperty(key, out _), $"Secret {name} has no key {key}");
            }
        }
    }

    private static bool IsRealKey(string variable)
    {
        var key = variable.Replace("__", ":", StringComparison.Ordinal);
        if (key is PlatformServiceDefaults.JsonLogsKey or PlatformServiceDefaults.TracesKey)
        {
            return true;
        }

        foreach (var type in OptionsTypes())
        {
            var section = (string)type.GetField("SectionName")!.GetValue(null)!;
            if (!key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var current = type;
            foreach (var part in key[(section.Length + 1)..].Split(':'))
            {
                var property = current.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null)
                {
                    return false;
                }

                current = property.PropertyType;
            }

            return true;
        }

        return false;
    }

    private static IEnumerable<Type> OptionsTypes() =>
        new[] { typeof(PlatformSiloOptions), typeof(PlatformClusterOptions), typeof(PlatformClientOptions), typeof(ObservabilityOptions), typeof(Platform.KeyValue.KeyValueOptions) }
            .Select(t => t.Assembly).Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(IPlatformOptions).IsAssignableFrom(t) && t.GetField("SectionName") is not null);

    private static (List<JsonElement> Objects, string Errors) Render(string overlay, bool validate)
    {
        var root = RepositoryRoot.Path;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.Combine(root, "tools", "k8s-validate") };
        start.ArgumentList.Add("render.mjs");
        if (validate)
        {
            start.ArgumentList.Add("--validate");
        }

        start.ArgumentList.Add(Path.Combine(root, "deploy", "k8s", "overlays", overlay));
        Assert.True(Directory.Exists(Path.Combine(root, "tools", "k8s-validate", "node_modules", "kubernetes-models")),
            "tools/k8s-validate/node_modules is missing: run the tests through scripts/test.sh (npm ci there installs kubernetes-models).");
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEnd();
        node.WaitForExit();
        Assert.True(node.ExitCode == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Result);
        return ([.. doc.RootElement.EnumerateArray().Select(e => e.Clone())], stderr);
    }

    private static Dictionary<string, string> Env(JsonElement container, List<JsonElement> objects)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        if (container.TryGetProperty("envFrom", out var from))
        {
            foreach (var source in from.EnumerateArray())
            {
                var name = source.GetProperty("configMapRef").GetProperty("name").GetString();
                var map = Assert.Single(objects, o => Kind(o) == "ConfigMap" && Name(o) == name);
                foreach (var item in map.GetProperty("data").EnumerateObject())
                {
                    vars[item.Name] = item.Value.GetString()!;
                }
            }
        }

        foreach (var item in container.GetProperty("env").EnumerateArray())
        {
            vars[item.GetProperty("name").GetString()!] = item.TryGetProperty("value", out var v) ? v.GetString()! : "(from a reference)";
        }

        return vars;
    }

    private static string? FieldRef(JsonElement container, string name) =>
        container.GetProperty("env").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name)
            .GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString();

    private static IEnumerable<(string Name, string Key)> SecretRefs(JsonElement workload) =>
        workload.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers").EnumerateArray()
            .SelectMany(c => c.TryGetProperty("env", out var env) ? env.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(e => e.TryGetProperty("valueFrom", out var f) && f.TryGetProperty("secretKeyRef", out _))
            .Select(e => e.GetProperty("valueFrom").GetProperty("secretKeyRef"))
            .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("key").GetString()!));

    private static string Kind(JsonElement o) => o.GetProperty("kind").GetString()!;

    private static string Name(JsonElement o) => o.GetProperty("metadata").GetProperty("name").GetString()!;

    private static LabelSet Labels(JsonElement metadata) => new(metadata.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
}
