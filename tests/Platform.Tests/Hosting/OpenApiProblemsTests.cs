using System.Text.Json;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Hosting;

/// <summary>The API document lists every route's error answers as RFC 9457 problems.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OpenApiProblemsTests(ClusterFixture fixture)
{
    private const string ProblemJson = "application/problem+json";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head"];

    /// <summary>
    /// Every operation in /openapi/v1.json declares at least one 4xx answer with application/problem+json content,
    /// and every operation that takes input (a parameter or a body) declares its 400 or 404 that way; the only
    /// operation without input is GET /v1/cluster.
    /// </summary>
    [Fact]
    public async Task OpenApiDocument_EveryOperationDeclaresItsProblemResponses()
    {
        var document = JsonDocument.Parse(await fixture.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        var operations = (
            from path in document.GetProperty("paths").EnumerateObject()
            from operation in path.Value.EnumerateObject()
            where Methods.Contains(operation.Name)
            select (Name: $"{operation.Name.ToUpperInvariant()} {path.Name}", Operation: operation.Value)).ToList();
        Assert.True(operations.Count >= 25, $"only {operations.Count} operations in the document");

        var withoutInput = new List<string>();
        foreach (var (name, operation) in operations)
        {
            var problems = ProblemStatuses(operation);
            Assert.True(problems.Any(s => s is >= 400 and < 500), $"{name} declares no 4xx problem response (has {string.Join(", ", problems)})");
            var takesInput = operation.TryGetProperty("requestBody", out _)
                || (operation.TryGetProperty("parameters", out var parameters) && parameters.GetArrayLength() > 0);
            if (takesInput)
            {
                Assert.True(problems.Contains(400) || problems.Contains(404), $"{name} declares neither a 400 nor a 404 problem response (has {string.Join(", ", problems)})");
            }
            else
            {
                withoutInput.Add(name);
            }
        }

        Assert.Equal(["GET /v1/cluster"], withoutInput);
    }

    /// <summary>The statuses an operation declares with application/problem+json content.</summary>
    private static List<int> ProblemStatuses(JsonElement operation) =>
    [
        .. operation.GetProperty("responses").EnumerateObject()
            .Where(r => r.Value.TryGetProperty("content", out var content) && content.TryGetProperty(ProblemJson, out _))
            .Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
