namespace Platform.Sagas;

/// <summary>Sagas: versioned definitions, and instances that run their steps with retries, compensation and crash recovery.</summary>
public interface ISagas
{
    /// <summary>Stores <paramref name="steps"/> as the definition's next version (unless equal to the latest). Bad steps throw a validation error naming the field.</summary>
    Task<SagaDefinitionPutResult> PutDefinitionAsync(string name, IReadOnlyList<SagaStep> steps, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="steps"/> as the next version of a definition of <paramref name="kind"/>
    /// (<see cref="SagaDefinitionKinds"/>): a choreography only waits on events and publishes. A step that does not
    /// fit the kind throws a validation error naming the field.
    /// </summary>
    Task<SagaDefinitionPutResult> PutDefinitionAsync(string name, IReadOnlyList<SagaStep> steps, string kind, CancellationToken cancellationToken = default);

    /// <summary>The latest version of a definition, or the named one; not found when absent.</summary>
    Task<SagaDefinition> GetDefinitionAsync(string name, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts an instance of the definition's latest version with <paramref name="inputJson"/> (a JSON object), under
    /// <paramref name="id"/> (a new id when null). The same id again answers the existing instance; with another
    /// definition or input it is a conflict.
    /// </summary>
    Task<SagaInstanceView> StartAsync(string definition, string? id, string inputJson, CancellationToken cancellationToken = default);

    /// <summary>An instance; not found when absent.</summary>
    Task<SagaInstanceView> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The instance's transitions: the current state first (unless its revision is not above
    /// <paramref name="afterRevision"/>), then one view per write of its log, ending after the first view at rest.
    /// Resume a broken watch with the last revision seen.
    /// </summary>
    IAsyncEnumerable<SagaInstanceView> WatchAsync(string id, long afterRevision = 0, CancellationToken cancellationToken = default);

    /// <summary>Compensates a running instance now; a conflict once it is completed or compensated.</summary>
    Task<SagaInstanceView> AbortAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Resumes a parked (needs-attention) instance at the compensation that failed.</summary>
    Task<SagaInstanceView> RetryAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Marks a parked instance's failing compensation as done by hand and goes on compensating.</summary>
    Task<SagaInstanceView> SkipAsync(string id, CancellationToken cancellationToken = default);
}
