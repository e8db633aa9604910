using System.Diagnostics.Metrics;
using Platform.Telemetry;

namespace Platform.Sagas;

/// <summary>
/// The sagas block's instruments (label <c>definition</c>, the saga definition's name): state changes of instances
/// (<c>platform.sagas.transitions</c>, label <c>state</c>: running, compensating, completed, compensated,
/// needs-attention, ...), instances parked for an operator (<c>platform.sagas.parked</c>) and the time each step
/// attempt took (<c>platform.sagas.step.duration</c>, labels <c>step</c>, <c>phase</c>, <c>outcome</c>).
/// </summary>
public sealed class SagaMetrics
{
    private readonly NamedCounter _transitions;
    private readonly NamedCounter _parked;
    private readonly NamedHistogram<double> _step;
    private readonly LabelNames _steps = new();

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public SagaMetrics(IMeterFactory meters)
    {
        var sagas = new BlockInstruments(meters, "sagas", "definition");
        _transitions = sagas.Counter("transitions", "{transition}", "Saga instances entering a state.");
        _parked = sagas.Counter("parked", "{instance}", "Saga instances parked as needs-attention.");
        _step = sagas.Seconds("step.duration", "Time one step attempt took, action or compensation.");
    }

    /// <summary>An instance of <paramref name="definition"/> entered <paramref name="state"/>.</summary>
    public void Entered(string definition, string state) => _transitions.Add(definition, 1, ("state", state));

    /// <summary>An instance of <paramref name="definition"/> was parked.</summary>
    public void Parked(string definition) => _parked.Add(definition);

    /// <summary>One step attempt ended.</summary>
    public void StepEnded(string definition, string step, string phase, bool succeeded, TimeSpan elapsed) =>
        _step.Record(definition, elapsed.TotalSeconds, ("step", _steps.Of(step)), ("phase", phase), ("outcome", succeeded ? "ok" : "failed"));
}
