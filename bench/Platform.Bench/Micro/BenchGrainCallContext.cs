using System.Reflection;
using Orleans.Serialization.Invocation;

namespace Platform.Bench.Micro;

/// <summary>
/// An incoming grain call that completes at once, with what <see cref="Telemetry.GrainCallMetricsFilter"/> reads
/// (interface method, method name, target key); everything else is never asked for.
/// </summary>
internal sealed class BenchGrainCallContext(Type grainInterface, string method, string key) : IIncomingGrainCallContext
{
    // The first overload of that name: the filter reads only its declaring type.
    public MethodInfo InterfaceMethod { get; } = grainInterface.GetMethods().FirstOrDefault(m => m.Name == method) ?? throw new ArgumentException($"{grainInterface.Name} has no {method}.", nameof(method));

    public GrainId TargetId { get; } = GrainId.Create("bench", key);

    public string MethodName => method;

    public IInvokable Request => throw new NotSupportedException();

    public object Grain => throw new NotSupportedException();

    public GrainId? SourceId => null;

    public string InterfaceName => grainInterface.Name;

    public GrainInterfaceType InterfaceType => throw new NotSupportedException();

    public object? Result { get; set; }

    public Response? Response { get; set; }

    public IGrainContext TargetContext => throw new NotSupportedException();

    public MethodInfo ImplementationMethod => InterfaceMethod;

    public Task Invoke() => Task.CompletedTask;
}
