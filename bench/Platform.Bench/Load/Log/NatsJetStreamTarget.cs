using System.Runtime.CompilerServices;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Platform.Bench.Load.Log;

/// <summary>
/// NATS JetStream with file storage: one stream per topic (subjects <c>{topic}.{key}</c>); a batch is that many
/// publishes in flight at once, done when every publish ack came back; the consumer is a durable pull consumer
/// delivering new messages only.
/// </summary>
internal sealed class NatsJetStreamTarget : ILogTarget
{
    private readonly NatsConnection _nats;
    private readonly NatsJSContext _js;

    public NatsJetStreamTarget(string url)
    {
        _nats = new NatsConnection(new NatsOpts { Url = url });
        _js = new NatsJSContext(_nats);
    }

    public string Name => "nats-jetstream";

    public async Task PrepareAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        try
        {
            await _js.DeleteStreamAsync(topic, cancellationToken);
        }
        catch (NatsJSApiException)
        {
            // No such stream yet.
        }

        await _js.CreateStreamAsync(new StreamConfig(topic, [$"{topic}.>"]) { Storage = StreamConfigStorage.File }, cancellationToken);
    }

    public async Task ProduceAsync(string topic, string key, IReadOnlyList<byte[]> values, CancellationToken cancellationToken)
    {
        var subject = $"{topic}.{key}";
        if (values.Count == 1)
        {
            (await _js.PublishAsync(subject, values[0], cancellationToken: cancellationToken)).EnsureSuccess();
            return;
        }

        var acks = values.Select(v => _js.PublishAsync(subject, v, cancellationToken: cancellationToken).AsTask()).ToList();
        foreach (var ack in await Task.WhenAll(acks))
        {
            ack.EnsureSuccess();
        }
    }

    public async IAsyncEnumerable<byte[]> ConsumeAsync(string topic, string group, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var consumer = await _js.CreateOrUpdateConsumerAsync(topic, new ConsumerConfig(group)
        {
            DeliverPolicy = ConsumerConfigDeliverPolicy.New,
            AckPolicy = ConsumerConfigAckPolicy.None,
        }, cancellationToken);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: cancellationToken))
        {
            yield return message.Data ?? [];
        }
    }

    public ValueTask DisposeAsync() => _nats.DisposeAsync();
}
