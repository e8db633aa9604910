
namespace Platform.ServiceDefaults;

/// <summary>Platform's own activity source and meter names.</summary>
public static class PlatformTelemetry
{
    public const string ActivitySourceName = "Platform";
    public const string MeterName = "Platform";
}
