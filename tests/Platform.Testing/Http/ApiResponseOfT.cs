using System.Net;

namespace Platform.Testing.Http;

/// <summary>An <see cref="ApiResponse"/> whose successful JSON body was read as <typeparamref name="T"/>.</summary>
public sealed class ApiResponse<T> : ApiResponse
    where T : class
{
    /// <summary>The body of a 2xx answer; null otherwise (and for a 2xx without a body).</summary>
    public T? Value { get; init; }

    /// <summary>The value of a 2xx answer; throws <see cref="PlatformApiException"/> naming the call for anything else.</summary>
    public T Ok() => IsSuccess && Value is not null ? Value : throw Unexpected("2xx with a body");

    /// <summary>The value, after checking the status is <paramref name="expected"/>.</summary>
    public T Ok(HttpStatusCode expected)
    {
        Expect(expected);
        return Ok();
    }
}
