namespace Platform.Testing.Stubs;

/// <summary>Where <see cref="StubService.Hold"/> stops a call.</summary>
public enum StubHoldPoint
{
    /// <summary>Received, effect not applied: as if the caller died before its call got through.</summary>
    BeforeApply,

    /// <summary>Effect applied, no answer sent: as if the caller died before it could record the result.</summary>
    AfterApply,
}
