namespace Platform.Discovery;

/// <summary>What one change did to an instance.</summary>
[GenerateSerializer, Alias("Platform.Discovery.ServiceChangeKind")]
public enum ServiceChangeKind
{
    Registered = 0,
    Updated = 1,
    Health = 2,
    Deregistered = 3,
}
