namespace Platform.ClusterTests.Harness;

/// <summary>
/// A key-value HTTP answer reduced to what fault tests look at. <see cref="Status"/> 0 means no HTTP answer at all
/// (connection refused/reset, client timeout): the outcome is unknown. <see cref="Version"/> comes from the ETag.
/// </summary>
public sealed record KeyValueResponse(int Status, string? Value, long? Version, string? Error = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>True when the request may or may not have taken effect: no answer, 5xx, or a timeout.</summary>
    public bool IsIndeterminate => Status == 0 || Status >= 500;

    public override string ToString()
    {
        var parts = new List<string> { Status == 0 ? "no answer" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (Value is not null)
        {
            parts.Add($"'{Value}'");
        }

        if (Version is { } v)
        {
            parts.Add("v" + v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (Error is not null)
        {
            parts.Add(Error);
        }

        return string.Join(' ', parts);
    }
}
