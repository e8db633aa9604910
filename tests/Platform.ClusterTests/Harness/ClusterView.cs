using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.ClusterTests.Harness;

/// <summary>
/// The parsed answer of the client host's <c>GET /v1/cluster</c>: every membership row it reports, plus the raw JSON
/// for test output. Parsed leniently (only a <c>silos</c> array with <c>address</c> and <c>status</c> is required).
/// </summary>
public sealed record ClusterView(IReadOnlyList<ClusterMember> Silos, string Json)
{
    public int ActiveCount => Silos.Count(s => s.IsActive);

    /// <summary>The rows of one silo endpoint; after restarts there is one per generation.</summary>
    public IEnumerable<ClusterMember> OnPort(int siloPort) => Silos.Where(s => s.IsOnPort(siloPort));

    /// <summary>True when some row for the port is Active.</summary>
    public bool IsActive(int siloPort) => OnPort(siloPort).Any(s => s.IsActive);

    /// <summary>True when the port has a Dead row and no live one: the cluster has declared that silo dead.</summary>
    public bool IsDeclaredDead(int siloPort) =>
        OnPort(siloPort).Any(s => s.IsDead) && OnPort(siloPort).All(s => s.IsDead);

    public static ClusterView Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var silos = new List<ClusterMember>();
        if (Property(doc.RootElement, "silos") is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                var address = Property(item, "address")?.ToString() ?? "";
                var status = Property(item, "status")?.ToString() ?? "";
                silos.Add(new ClusterMember(address, status));
            }
        }
        else
        {
            throw new FormatException($"GET /v1/cluster has no 'silos' array: {json}");
        }

        return new ClusterView(silos, json);
    }

    public static bool AddressHasPort(string address, int port) =>
        Regex.IsMatch(address, $@"(^|[^0-9])127\.0\.0\.1:{port.ToString(CultureInfo.InvariantCulture)}([^0-9]|$)");

    public string Summary() => string.Join(", ", Silos.Select(s => $"{s.Address}={s.Status}"));

    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in element.EnumerateObject())
        {
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }
}
