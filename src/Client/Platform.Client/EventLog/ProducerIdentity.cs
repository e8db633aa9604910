namespace Platform.EventLog;

/// <summary>The idempotent producer of one produce call: record i of the call has sequence <see cref="Sequence"/> + i.</summary>
public sealed record ProducerIdentity(string ProducerId, int Epoch, long Sequence);
