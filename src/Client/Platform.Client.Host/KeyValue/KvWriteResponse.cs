namespace Platform.Client.Host.KeyValue;

public sealed record KvWriteResponse(string Namespace, string Key, long Version);
