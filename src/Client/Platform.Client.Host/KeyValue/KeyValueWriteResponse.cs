namespace Platform.Client.Host.KeyValue;

public sealed record KeyValueWriteResponse(string Namespace, string Key, long Version);
