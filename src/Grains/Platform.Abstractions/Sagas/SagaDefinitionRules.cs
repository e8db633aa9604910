using Platform.Validation;

namespace Platform.Sagas;

/// <summary>The checks of a definition's steps; each answer names the field (e.g. <c>steps[2].retry.maxAttempts</c>).</summary>
public static class SagaDefinitionRules
{
    /// <summary>The step kinds this version runs.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "http", "kv", "txn", "lock", "produce", "event" };

    /// <summary>Most writes of one <c>txn</c> step (one more, the step's marker, is added).</summary>
    public const int MaxTxnOps = 64;

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "GET", "POST", "PUT", "PATCH", "DELETE" };

    /// <summary>The first problem, or null.</summary>
    public static (string Field, string Reason)? Check(IReadOnlyList<SagaStep>? steps, SagasOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (steps is null || steps.Count == 0)
        {
            return ("steps", "must list at least one step");
        }

        if (steps.Count > limits.MaxSteps)
        {
            return ("steps", $"lists {steps.Count} steps; at most {limits.MaxSteps} (Platform:Sagas:MaxSteps)");
        }

        var earlier = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var at = $"steps[{i}]";
            if (step is null)
            {
                return (at, "must be an object");
            }

            if (NameRules.CheckName(step.Name) is { } nameError)
            {
                return ($"{at}.name", nameError);
            }

            if (step.Name.Contains('.', StringComparison.Ordinal) || step.Name.Contains(':', StringComparison.Ordinal))
            {
                return ($"{at}.name", "must not contain '.' or ':' (templates and idempotency keys use them)");
            }

            if (earlier.Contains(step.Name))
            {
                return ($"{at}.name", $"'{step.Name}' names an earlier step too; step names are unique");
            }

            if (step.Action is null)
            {
                return ($"{at}.action", "is required");
            }

            if (Operation(step.Action, $"{at}.action", earlier, limits.MaxTemplateChars) is { } actionError)
            {
                return actionError;
            }

            if (step.Compensation is not null && Operation(step.Compensation, $"{at}.compensation", new HashSet<string>(earlier, StringComparer.Ordinal) { step.Name }, limits.MaxTemplateChars) is { } compensationError)
            {
                return compensationError;
            }

            var retry = step.Retry ?? new SagaRetry();
            if (retry.MaxAttempts < 1 || retry.MaxAttempts > limits.MaxAttempts)
            {
                return ($"{at}.retry.maxAttempts", $"must be between 1 and {limits.MaxAttempts} (Platform:Sagas:MaxAttempts)");
            }

            if (retry.BackoffMs < 0 || retry.BackoffMs > limits.MaxBackoffMs)
            {
                return ($"{at}.retry.backoffMs", $"must be between 0 and {limits.MaxBackoffMs} (Platform:Sagas:MaxBackoffMs)");
            }

            if (step.TimeoutMs < 1 || step.TimeoutMs > limits.MaxStepTimeoutMs)
            {
                return ($"{at}.timeoutMs", $"must be between 1 and {limits.MaxStepTimeoutMs} (Platform:Sagas:MaxStepTimeoutMs)");
            }

            earlier.Add(step.Name);
        }

        return null;
    }

    private static (string Field, string Reason)? Operation(SagaOperation operation, string at, IReadOnlySet<string> earlier, int maxChars)
    {
        switch (operation.Kind)
        {
            case "http":
                if (operation.Method is null || !Methods.Contains(operation.Method))
                {
                    return ($"{at}.method", "must be one of GET, POST, PUT, PATCH, DELETE");
                }

                if (string.IsNullOrEmpty(operation.Url) ||
                    !(operation.Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || operation.Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
                {
                    return ($"{at}.url", "must be an absolute http:// or https:// URL (templates allowed after the scheme)");
                }

                if (operation.Expect is { } expect && (expect.Count > 32 || expect.Any(s => s is < 100 or > 599)))
                {
                    return ($"{at}.expect", "must list at most 32 status codes, each between 100 and 599");
                }

                if (operation.Op is not null || operation.Namespace is not null || operation.Key is not null || operation.Value is not null || HasPlatformFields(operation))
                {
                    return ($"{at}.kind", "http takes method, url, body and expect only");
                }

                return Templates(at, earlier, maxChars, ("url", operation.Url), ("body", operation.Body));
            case "kv":
                if (operation.Op is not ("put" or "delete"))
                {
                    return ($"{at}.op", "must be put or delete");
                }

                if (NameRules.CheckName(operation.Namespace) is { } nsError)
                {
                    return ($"{at}.namespace", nsError);
                }

                if (string.IsNullOrEmpty(operation.Key))
                {
                    return ($"{at}.key", "is required");
                }

                if (operation.Op == "put" && operation.Value is null)
                {
                    return ($"{at}.value", "is required for put");
                }

                if (operation.IfVersion is < 0)
                {
                    return ($"{at}.ifVersion", "must be at least 0");
                }

                if (operation.Method is not null || operation.Url is not null || operation.Body is not null || operation.Expect is not null || HasPlatformFields(operation))
                {
                    return ($"{at}.kind", "kv takes op, namespace, key, value, ifVersion and ifAbsent only");
                }

                return Templates(at, earlier, maxChars, ("key", operation.Key), ("value", operation.Value));
            case "txn":
                if (NameRules.CheckName(operation.Namespace) is { } txnNsError)
                {
                    return ($"{at}.namespace", txnNsError);
                }

                if (operation.Ops is not { Count: > 0 } ops || ops.Count > MaxTxnOps)
                {
                    return ($"{at}.ops", $"must list 1 to {MaxTxnOps} writes");
                }

                if (operation.Method is not null || operation.Url is not null || operation.Body is not null || operation.Expect is not null
                    || operation.Op is not null || operation.Key is not null || operation.Value is not null || operation.Name is not null
                    || operation.Topic is not null || operation.LeaseMs is not null || operation.WaitMs is not null || operation.IfVersion is not null || operation.IfAbsent
                    || operation.Done is not null || operation.Failed is not null)
                {
                    return ($"{at}.kind", "txn takes namespace and ops only");
                }

                for (var i = 0; i < ops.Count; i++)
                {
                    var op = ops[i];
                    var opAt = $"{at}.ops[{i}]";
                    if (op.Op is not ("put" or "delete" or "add"))
                    {
                        return ($"{opAt}.op", "must be put, delete or add");
                    }

                    if (string.IsNullOrEmpty(op.Key))
                    {
                        return ($"{opAt}.key", "is required");
                    }

                    if (op.Op == "put" && op.Value is null)
                    {
                        return ($"{opAt}.value", "is required for put");
                    }

                    if (op.Op != "put" && op.Value is not null)
                    {
                        return ($"{opAt}.value", "is only taken by put");
                    }

                    if (Templates(opAt, earlier, maxChars, ("key", op.Key), ("value", op.Value)) is { } opError)
                    {
                        return opError;
                    }
                }

                return null;
            case "lock":
                if (operation.Op is not ("acquire" or "release"))
                {
                    return ($"{at}.op", "must be acquire or release");
                }

                if (NameRules.CheckName(operation.Name) is { } lockError)
                {
                    return ($"{at}.name", lockError);
                }

                if (operation.LeaseMs is < 1)
                {
                    return ($"{at}.leaseMs", "must be at least 1");
                }

                if (operation.WaitMs is < 0)
                {
                    return ($"{at}.waitMs", "must be at least 0");
                }

                if (operation.Method is not null || operation.Url is not null || operation.Body is not null || operation.Expect is not null
                    || operation.Namespace is not null || operation.Key is not null || operation.Value is not null || operation.Topic is not null
                    || operation.Ops is not null || operation.IfVersion is not null || operation.IfAbsent || operation.Done is not null || operation.Failed is not null)
                {
                    return ($"{at}.kind", "lock takes op, name, leaseMs and waitMs only");
                }

                return null;
            case "produce":
                if (NameRules.CheckName(operation.Topic) is { } topicError)
                {
                    return ($"{at}.topic", topicError);
                }

                if (operation.Value is null)
                {
                    return ($"{at}.value", "is required");
                }

                if (operation.Method is not null || operation.Url is not null || operation.Body is not null || operation.Expect is not null
                    || operation.Op is not null || operation.Namespace is not null || operation.Name is not null || operation.Ops is not null
                    || operation.LeaseMs is not null || operation.WaitMs is not null || operation.IfVersion is not null || operation.IfAbsent
                    || operation.Done is not null || operation.Failed is not null)
                {
                    return ($"{at}.kind", "produce takes topic, key and value only");
                }

                return Templates(at, earlier, maxChars, ("key", operation.Key), ("value", operation.Value));
            case "event":
                if (NameRules.CheckName(operation.Topic) is { } eventTopicError)
                {
                    return ($"{at}.topic", eventTopicError);
                }

                if (string.IsNullOrEmpty(operation.Key))
                {
                    return ($"{at}.key", "is required: the correlation id the events carry as their key");
                }

                if (EventType(operation.Done) is { } doneError)
                {
                    return ($"{at}.done", doneError);
                }

                if (operation.Failed is not null && EventType(operation.Failed) is { } failedError)
                {
                    return ($"{at}.failed", failedError);
                }

                if (operation.Method is not null || operation.Url is not null || operation.Body is not null || operation.Expect is not null
                    || operation.Op is not null || operation.Namespace is not null || operation.Name is not null || operation.Ops is not null
                    || operation.LeaseMs is not null || operation.WaitMs is not null || operation.IfVersion is not null || operation.IfAbsent
                    || operation.Value is not null)
                {
                    return ($"{at}.kind", "event takes topic, key, done and failed only");
                }

                return Templates(at, earlier, maxChars, ("key", operation.Key));
            default:
                return ($"{at}.kind", $"'{operation.Kind}' is not a step kind; known kinds: {string.Join(", ", Kinds.Order(StringComparer.Ordinal))}");
        }
    }

    /// <summary>
    /// The first problem of <paramref name="steps"/> (already checked by <see cref="Check"/>) as a definition of
    /// <paramref name="kind"/>, or null: a choreography's actions are <c>event</c> or <c>produce</c> steps, at least one
    /// waits on an event, and every compensation is a <c>produce</c>.
    /// </summary>
    public static (string Field, string Reason)? CheckKind(string? kind, IReadOnlyList<SagaStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (kind is null || kind == SagaDefinitionKinds.Orchestration)
        {
            return null;
        }

        if (kind != SagaDefinitionKinds.Choreography)
        {
            return ("kind", $"'{kind}' is not a definition kind; known kinds: {string.Join(", ", SagaDefinitionKinds.All.Order(StringComparer.Ordinal))}");
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Action.Kind is not ("event" or "produce"))
            {
                return ($"steps[{i}].action.kind", $"is '{steps[i].Action.Kind}'; a choreography's actions are 'event' or 'produce' steps (it follows other services by their events)");
            }

            if (steps[i].Compensation is { } compensation && compensation.Kind != "produce")
            {
                return ($"steps[{i}].compensation.kind", $"is '{compensation.Kind}'; a choreography compensates by publishing: 'produce'");
            }
        }

        return steps.Any(s => s.Action.Kind == "event") ? null : ("steps", "a choreography waits on at least one 'event' step");
    }

    /// <summary>
    /// True for a kind that only reads (<c>event</c>): an attempt that ran out of time had no effect, so it is a
    /// definite failure with nothing to compensate, not an unknown outcome.
    /// </summary>
    public static bool ReadsOnly(SagaOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Kind == "event";
    }

    private static bool HasPlatformFields(SagaOperation operation) =>
        operation.Name is not null || operation.Topic is not null || operation.Ops is not null || operation.LeaseMs is not null || operation.WaitMs is not null
        || operation.Done is not null || operation.Failed is not null;

    /// <summary>An event type: 1-128 characters, no control characters.</summary>
    private static string? EventType(string? type) =>
        string.IsNullOrEmpty(type) ? "is required"
        : type.Length > 128 ? $"must be at most 128 characters (got {type.Length})"
        : type.Any(char.IsControl) ? "must not contain control characters"
        : null;

    private static (string Field, string Reason)? Templates(string at, IReadOnlySet<string> earlier, int maxChars, params (string Field, string? Template)[] fields)
    {
        foreach (var (field, template) in fields)
        {
            if (template?.Length > maxChars)
            {
                return ($"{at}.{field}", $"is longer than {maxChars} characters (Platform:Sagas:MaxTemplateChars)");
            }

            foreach (var path in SagaTemplate.References(template))
            {
                if (SagaTemplate.Check(path, earlier) is { } reason)
                {
                    return ($"{at}.{field}", reason);
                }
            }
        }

        return null;
    }
}
