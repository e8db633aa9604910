using System.Diagnostics;
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
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _parked;
    private readonly Histogram<double> _step;
    private readonly LabelNames _names = new();
    private readonly LabelNames _steps = new();

    /// <summary>Creates the instruments on the Platform meter.</summary>
    public SagaMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(PlatformMeter.Name);
        _transitions = meter.CreateCounter<long>("platform.sagas.transitions", "{transition}", "Saga instances entering a state.");
        _parked = meter.CreateCounter<long>("platform.sagas.parked", "{instance}", "Saga instances parked as needs-attention.");
        _step = meter.CreateHistogram<double>("platform.sagas.step.duration", "s", "Time one step attempt took, action or compensation.");
    }

    /// <summary>An instance of <paramref name="definition"/> entered <paramref name="state"/>.</summary>
    public void Entered(string definition, string state) =>
        _transitions.Add(1, new TagList { { "definition", _names.Of(definition) }, { "state", state } });

    /// <summary>An instance of <paramref name="definition"/> was parked.</summary>
    public void Parked(string definition) => _parked.Add(1, new TagList { { "definition", _names.Of(definition) } });

    /// <summary>One step attempt ended.</summary>
    public void StepEnded(string definition, string step, string phase, bool succeeded, TimeSpan elapsed) =>
        _step.Record(elapsed.TotalSeconds, new TagList
        {
            { "definition", _names.Of(definition) },
            { "step", _steps.Of(step) },
            { "phase", phase },
            { "outcome", succeeded ? "ok" : "failed" },
        });
}
