namespace Platform.Client.Cluster;

/// <summary>One silo's row in the membership table.</summary>
/// <param name="Address">Silo-to-silo endpoint <c>address:port</c>.</param>
/// <param name="Generation">Distinguishes restarts on the same endpoint.</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Status">Joining, Active, ShuttingDown, Stopping or Dead (Orleans' SiloStatus).</param>
/// <param name="Gateway">The gateway endpoint clients connect to, or null when it has none.</param>
/// <param name="StartTime">When the silo started (UTC).</param>
/// <param name="LastIAmAlive">The last "I am alive" the silo wrote to the table (UTC; written every IAmAliveTablePublishTimeout).</param>
/// <param name="Activations">Grain activations on the silo now; null when it did not answer (not Active).</param>
/// <param name="Suspicions">The votes other silos wrote that this one is dead, oldest first (empty when none).</param>
public sealed record ClusterSilo(
    string Address,
    int Generation,
    string Name,
    string Status,
    string? Gateway,
    DateTimeOffset StartTime,
    DateTimeOffset LastIAmAlive,
    int? Activations,
    IReadOnlyList<ClusterSuspicion> Suspicions);
