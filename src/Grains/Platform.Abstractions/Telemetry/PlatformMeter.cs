namespace Platform.Telemetry;

/// <summary>
/// Platform's one meter (and activity source) name, and the bound on label values: names of namespaces, locks,
/// topics, caches, services and saga definitions are labels, keys and ids never are.
/// </summary>
public static class PlatformMeter
{
    /// <summary>The meter every Platform instrument belongs to, and the activity source of Platform's own spans.</summary>
    public const string Name = "Platform";

    /// <summary>Most distinct names one label takes per process; later names are counted under <see cref="OtherName"/>.</summary>
    public const int MaxNamesPerLabel = 200;

    /// <summary>The label value of every name past <see cref="MaxNamesPerLabel"/>.</summary>
    public const string OtherName = "_other";
}
