namespace Platform.Sagas;

/// <summary>
/// A definition's kind as the API writes it: <c>orchestration</c> (the default: steps of any kind) or
/// <c>choreography</c> (the saga only follows events: its actions wait on <c>event</c>s or publish with
/// <c>produce</c>, and its compensations publish, so it never calls a service or writes platform state itself).
/// </summary>
public static class SagaDefinitionKinds
{
    public const string Orchestration = "orchestration";
    public const string Choreography = "choreography";

    /// <summary>The kinds this version knows.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Orchestration, Choreography };
}
