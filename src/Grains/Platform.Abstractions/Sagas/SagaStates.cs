namespace Platform.Sagas;

/// <summary>The states of a saga instance as the API writes them.</summary>
public static class SagaStates
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Compensating = "compensating";
    public const string Compensated = "compensated";
    public const string NeedsAttention = "failed-needs-attention";

    /// <summary>True for a state the instance leaves only by an operator's <c>retry</c> or <c>skip</c> (or never).</summary>
    public static bool IsAtRest(string state) => state is Completed or Compensated or NeedsAttention;
}
