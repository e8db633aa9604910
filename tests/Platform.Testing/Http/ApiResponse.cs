using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Platform.Testing.Http;

/// <summary>
/// One API answer, reduced to what tests and benchmarks look at. <see cref="Status"/> 0 means no HTTP answer at all
/// (connection refused or reset, client timeout): the outcome is unknown and <see cref="Error"/> says why.
/// <see cref="Version"/> comes from the ETag, <see cref="Problem"/> from an <c>application/problem+json</c> body.
/// </summary>
public class ApiResponse
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public required string Method { get; init; }

    public required string Path { get; init; }

    public int Status { get; init; }

    public HttpStatusCode StatusCode => (HttpStatusCode)Status;

    /// <summary>The body's bytes (empty when there is none).</summary>
    public byte[] Body { get; init; } = [];

    public string? ContentType { get; init; }

    /// <summary>The version in a strong <c>ETag: "n"</c>.</summary>
    public long? Version { get; init; }

    /// <summary>The raw ETag header.</summary>
    public string? ETag { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The answer's <c>Platform-*</c> headers (replica, role, term, applied index, session), by name, case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> PlatformHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>A <c>Platform-*</c> header, or null.</summary>
    public string? Header(string name) => PlatformHeaders.TryGetValue(name, out var value) ? value : null;

    public ApiProblem? Problem { get; init; }

    /// <summary>Why there was no answer (status 0).</summary>
    public string? Error { get; init; }

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>True when the request may or may not have taken effect: no answer, or a 5xx.</summary>
    public bool IsIndeterminate => Status == 0 || Status >= 500;

    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The body as UTF-8 text, or null when it is not valid UTF-8.</summary>
    public string? TextOrNull
    {
        get
        {
            try
            {
                return StrictUtf8.GetString(Body);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }

    /// <summary>The body parsed as JSON.</summary>
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PlatformApiException($"{Method} {Path}: the {Status} answer is not JSON: {Excerpt()}", ex) { Response = this };
        }
    }

    /// <summary>Throws <see cref="PlatformApiException"/> unless the status is one of <paramref name="expected"/>.</summary>
    public ApiResponse Expect(params HttpStatusCode[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (!expected.Contains(StatusCode))
        {
            throw Unexpected(string.Join(" or ", expected.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture))));
        }

        return this;
    }

    /// <summary>Throws <see cref="PlatformApiException"/> unless the status is 2xx.</summary>
    public ApiResponse ExpectSuccess() => IsSuccess ? this : throw Unexpected("2xx");

    public override string ToString()
    {
        var parts = new List<string> { $"{Method} {Path} ->", Status == 0 ? "no answer" : Status.ToString(CultureInfo.InvariantCulture) };
        if (Version is { } v)
        {
            parts.Add("v" + v.ToString(CultureInfo.InvariantCulture));
        }

        if (Error is not null)
        {
            parts.Add(Error);
        }
        else if (!IsSuccess && Body.Length > 0)
        {
            parts.Add(Excerpt());
        }

        return string.Join(' ', parts);
    }

    /// <summary>At most 300 characters of the body.</summary>
    public string Excerpt()
    {
        var text = Text;
        return text.Length > 300 ? text[..300] + "..." : text;
    }

    internal PlatformApiException Unexpected(string expected) =>
        new($"{Method} {Path}: expected {expected}, got {(Status == 0 ? "no answer" : Status.ToString(CultureInfo.InvariantCulture))}{(Error is null ? "" : $" ({Error})")}: {Excerpt()}") { Response = this };
}
