using Microsoft.AspNetCore.Mvc;
using Platform.Client.Host.Api;

namespace Platform.Client.Host.KeyValue;

/// <summary>The headers a key-value write reads: its condition and its fencing token (listed in the API document).</summary>
public sealed record KeyValueWriteHeaders(
    [property: FromHeader(Name = HttpConditions.IfMatch)] string? IfMatch,
    [property: FromHeader(Name = HttpConditions.IfNoneMatch)] string? IfNoneMatch,
    [property: FromHeader(Name = Fences.Header)] string? Fence);
