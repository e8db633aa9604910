namespace Platform.KeyValue;

[GenerateSerializer, Alias("Platform.KvWriteStatus")]
public enum KeyValueWriteStatus
{
    Ok = 0,

    /// <summary>If-Match or If-None-Match did not hold; the result carries the current version.</summary>
    PreconditionFailed = 1,

    /// <summary>A delete of a key that does not exist.</summary>
    NotFound = 2,

    /// <summary>The shard belongs to a namespace generation that was deleted: refresh routing and retry.</summary>
    NamespaceGone = 3,

    /// <summary>The write's fencing token is lower than one already granted or seen.</summary>
    FenceRejected = 4,
}
