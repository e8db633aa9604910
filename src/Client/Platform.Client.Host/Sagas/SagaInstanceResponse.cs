using System.Text.Json.Nodes;
using Platform.Sagas;

namespace Platform.Client.Host.Sagas;

/// <summary>A saga instance: state, current step, input and outputs as JSON, every attempt.</summary>
public sealed record SagaInstanceResponse(
    string Id,
    string Definition,
    int Version,
    string State,
    string? CurrentStep,
    JsonNode? Input,
    IReadOnlyDictionary<string, JsonNode?> Outputs,
    IReadOnlyList<SagaAttempt> History,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> Steps,
    string? Silo,
    long Revision)
{
    public static SagaInstanceResponse From(SagaInstanceView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(
            view.Id,
            view.Definition,
            view.Version,
            view.State,
            view.CurrentStep,
            SagaTemplate.Parse(view.Input),
            view.Outputs.ToDictionary(p => p.Key, p => SagaTemplate.Parse(p.Value), StringComparer.Ordinal),
            view.History,
            view.Error,
            view.CreatedAt,
            view.UpdatedAt,
            view.Steps,
            view.Silo,
            view.Revision);
    }
}
