namespace Platform.Replication.Placement;

/// <summary>Places the replicas of one group on distinct silos (<see cref="ReplicaPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, Alias("Platform.ReplicaPlacementStrategy")]
public sealed class ReplicaPlacementStrategy : PlacementStrategy
{
    public static readonly ReplicaPlacementStrategy Instance = new();
}
