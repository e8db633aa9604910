namespace Platform.Client.Host.Discovery;

/// <summary>The body of <c>PUT /v1/services/{service}/instances/{id}</c>.</summary>
public sealed record InstanceRequest(
    string? Address,
    int? Port,
    string? Scheme,
    Dictionary<string, string>? Metadata,
    List<string>? Tags,
    int? Weight,
    string? Zone,
    int? TtlMs,
    CheckRequest? Check,
    double? PhiThreshold);
