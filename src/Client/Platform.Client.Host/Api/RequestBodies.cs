using Microsoft.AspNetCore.Http.Features;
using Platform.Errors;

namespace Platform.Client.Host.Api;

internal static class RequestBodies
{
    /// <summary>Reads the raw body, refusing with 413 as soon as it passes <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken, string setting = "Platform:KeyValue:MaxValueBytes")
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(request.ContentLength.Value, maxBytes, setting);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1L;
        }

        if (request.ContentLength is { } length)
        {
            // The common case: read straight into an array of the announced size.
            var value = new byte[length];
            var filled = 0;
            int read;
            while (filled < value.Length && (read = await request.Body.ReadAsync(value.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            if (filled < value.Length)
            {
                throw new BadHttpRequestException($"The body ended after {filled} of {length} announced bytes.");
            }

            return value;
        }

        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(buffer.Length + read, maxBytes, setting);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static PlatformPayloadTooLargeException TooLarge(long size, int max, string setting) =>
        new($"The body is {(size > max ? $"over {max}" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes; the limit ({setting}) is {max}.");
}
