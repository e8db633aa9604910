using Orleans.Placement;

namespace Platform.Replication.Placement;

/// <summary>Marks a grain whose activations are replicas of a group: placed apart from their siblings.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ReplicaPlacementAttribute() : PlacementAttribute(ReplicaPlacementStrategy.Instance);
