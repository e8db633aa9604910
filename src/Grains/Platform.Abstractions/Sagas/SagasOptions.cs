using Platform.Configuration;

namespace Platform.Sagas;

/// <summary>Limits of sagas (<c>Platform:Sagas</c>); checked by the typed client and by the definition grain.</summary>
public sealed class SagasOptions : IPlatformOptions
{
    public const string SectionName = "Platform:Sagas";

    /// <summary>Most steps of one definition. Default 64.</summary>
    public int MaxSteps { get; set; } = 64;

    /// <summary>Largest <c>retry.maxAttempts</c> of a step. Default 20.</summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Largest <c>retry.backoffMs</c> (the first delay; later ones double). Default 60000.</summary>
    public int MaxBackoffMs { get; set; } = 60_000;

    /// <summary>Largest <c>timeoutMs</c> of one attempt. Default 120000.</summary>
    public int MaxStepTimeoutMs { get; set; } = 120_000;

    /// <summary>Largest saga input or step output in bytes (UTF-8 JSON). Default 65536.</summary>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Longest template (url, body, key, value) of a step in characters. Default 16384.</summary>
    public int MaxTemplateChars { get; set; } = 16 * 1024;

    /// <summary>Most attempts kept in an instance's history (older ones are dropped, newest kept). Default 1000.</summary>
    public int MaxHistory { get; set; } = 1_000;

    /// <summary>
    /// Period of the <c>saga-resume</c> reminder that re-activates an instance not at rest (after a crash, or a
    /// deactivation mid-run), in ms. Orleans' minimum reminder period is lowered to it when it is shorter. Default 60000.
    /// </summary>
    public int ResumePeriodMs { get; set; } = 60_000;

    /// <summary>Checks every limit; returns one message per bad key, naming it.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxSteps is < 1 or > 1024)
        {
            yield return $"{SectionName}:MaxSteps must be between 1 and 1024 (got {MaxSteps}).";
        }

        if (MaxAttempts is < 1 or > 1000)
        {
            yield return $"{SectionName}:MaxAttempts must be between 1 and 1000 (got {MaxAttempts}).";
        }

        if (MaxBackoffMs < 0)
        {
            yield return $"{SectionName}:MaxBackoffMs must be at least 0 (got {MaxBackoffMs}).";
        }

        if (MaxStepTimeoutMs < 1)
        {
            yield return $"{SectionName}:MaxStepTimeoutMs must be at least 1 (got {MaxStepTimeoutMs}).";
        }

        if (MaxPayloadBytes < 2)
        {
            yield return $"{SectionName}:MaxPayloadBytes must be at least 2 (got {MaxPayloadBytes}).";
        }

        if (MaxTemplateChars < 16)
        {
            yield return $"{SectionName}:MaxTemplateChars must be at least 16 (got {MaxTemplateChars}).";
        }

        if (MaxHistory < 10)
        {
            yield return $"{SectionName}:MaxHistory must be at least 10 (got {MaxHistory}).";
        }

        if (ResumePeriodMs is < 1_000 or > 3_600_000)
        {
            yield return $"{SectionName}:ResumePeriodMs must be between 1000 and 3600000 (got {ResumePeriodMs}).";
        }
    }
}
