using Platform.KeyValue;

namespace Platform.Replication;

/// <summary>
/// What a replica group's log carries for one write: the request as the leader took it, with everything the
/// decision needs fixed in the entry (its time, the locks' tokens for a full fence record, the fence limit), so that
/// every replica applying it decides the same.
/// </summary>
internal sealed record ReplicaCommand(
    Guid RequestId,
    KeyValueWriteRequest Request,
    DateTimeOffset Now,
    IReadOnlyDictionary<string, long>? LockTokens,
    int MaxFences)
{
    private const byte Version = 1;

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Version);
        writer.Write(RequestId.ToByteArray());
        writer.Write(Request.Key);
        ReplicaCodec.WriteBytes(writer, Request.Value);
        ReplicaCodec.WriteString(writer, Request.ContentType);
        writer.Write(Request.Condition.IfMatchVersion.HasValue);
        writer.Write(Request.Condition.IfMatchVersion ?? 0);
        writer.Write(Request.Condition.IfNoneMatch);
        writer.Write(Request.Fence is not null);
        if (Request.Fence is { } fence)
        {
            writer.Write(fence.LockName);
            writer.Write(fence.Token);
        }

        writer.Write(Now.UtcTicks);
        ReplicaCodec.WriteTokens(writer, LockTokens);
        writer.Write(MaxFences);
        writer.Flush();
        return stream.ToArray();
    }

    public static ReplicaCommand Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        var version = reader.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"Unknown replica command version {version}.");
        }

        var id = new Guid(reader.ReadBytes(16));
        var key = reader.ReadString();
        var value = ReplicaCodec.ReadBytes(reader);
        var contentType = ReplicaCodec.ReadString(reader);
        var hasMatch = reader.ReadBoolean();
        var match = reader.ReadInt64();
        var noneMatch = reader.ReadBoolean();
        KeyValueFence? fence = reader.ReadBoolean() ? new KeyValueFence(reader.ReadString(), reader.ReadInt64()) : null;
        var now = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var tokens = ReplicaCodec.ReadTokens(reader);
        var maxFences = reader.ReadInt32();
        var request = new KeyValueWriteRequest
        {
            Key = key,
            Value = value,
            ContentType = contentType,
            Condition = hasMatch || noneMatch ? new KeyValueCondition { IfMatchVersion = hasMatch ? match : null, IfNoneMatch = noneMatch } : KeyValueCondition.None,
            Fence = fence,
        };
        return new ReplicaCommand(id, request, now, tokens, maxFences);
    }
}
