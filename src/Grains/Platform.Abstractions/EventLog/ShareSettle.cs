namespace Platform.EventLog;

/// <summary>What a consumer does with a leased record: done with it, failed it (deliver again; counts), or gives it back unprocessed (does not count).</summary>
[GenerateSerializer, Alias("Platform.EventLog.ShareSettle")]
public enum ShareSettle
{
    Ack = 0,
    Nack = 1,
    Release = 2,
}
