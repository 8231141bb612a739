package io.nucleon.binding.kafka;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A {@code kafka} data binding as functions see it: one Kafka producer, shared by every worker of the processor
 * (Kafka's producer is thread-safe, and one producer batches the records of all workers together).
 *
 * <pre>{@code
 * private KafkaProducerBinding orders;
 *
 * public void init(InitContext context) {
 *     orders = context.dataBinding("orders", KafkaProducerBinding.class);
 * }
 *
 * public Response handle(Context context, Event event) {
 *     RecordMetadata written = orders.send(null, event.bodyBytes()).get(10, TimeUnit.SECONDS);
 *     return Response.ok(written.partition() + "/" + written.offset());
 * }
 * }</pre>
 *
 * <p>The sends are asynchronous: they add the record to the producer's batch and return at once, unless the
 * producer has no metadata for the topic yet or its buffer is full, when they wait up to {@code max.block.ms} (10 s
 * by default). The future completes when the broker has acknowledged the record (as {@code acks} says), or fails
 * with Kafka's reason. Its completion runs on the producer's network thread: never block in stages chained to it
 * without an executor ({@code thenApplyAsync(..., executor)}).
 *
 * <p>The processor creates, checks and closes the producer. Functions must not close it.
 */
public interface KafkaProducerBinding {

    /**
     * The Kafka producer itself, for what the sends below do not cover: headers, an explicit partition or
     * timestamp, {@code partitionsFor}, metrics. It is shared by all workers; do not close it, and do not start
     * transactions on it (the binding refuses {@code transactional.id}).
     *
     * @return the shared producer, with byte-array keys and values
     */
    Producer<byte[], byte[]> producer();

    /**
     * Sends a record to a topic.
     *
     * @param topic the topic
     * @param key the record's key, chooses the partition; may be {@code null} (the producer spreads such records)
     * @param value the record's value; may be {@code null} (a tombstone in a compacted topic)
     * @return completes with the record's partition and offset once the broker acknowledged it, or fails with
     *     Kafka's exception (e.g. a {@link org.apache.kafka.common.errors.TimeoutException} when the topic has no
     *     metadata within {@code max.block.ms}, or the record was not acknowledged within {@code
     *     delivery.timeout.ms})
     * @throws NullPointerException when {@code topic} is {@code null}
     * @throws IllegalStateException when the producer is closed (the processor is shutting down)
     */
    CompletableFuture<RecordMetadata> send(String topic, byte[] key, byte[] value);

    /**
     * Sends a record to the binding's default topic ({@code attributes.topic} in function.yaml).
     *
     * @param key the record's key; may be {@code null}
     * @param value the record's value; may be {@code null}
     * @return as {@link #send(String, byte[], byte[])}
     * @throws IllegalStateException when the binding has no default topic, or the producer is closed
     */
    CompletableFuture<RecordMetadata> send(byte[] key, byte[] value);

    /**
     * Sends a record with a text key and value, encoded as UTF-8, to a topic.
     *
     * @param topic the topic
     * @param key the record's key; may be {@code null}
     * @param value the record's value; may be {@code null}
     * @return as {@link #send(String, byte[], byte[])}
     * @throws NullPointerException when {@code topic} is {@code null}
     * @throws IllegalStateException when the producer is closed
     */
    default CompletableFuture<RecordMetadata> send(String topic, String key, String value) {
        return send(topic, utf8(key), utf8(value));
    }

    /**
     * Sends a record with a text key and value, encoded as UTF-8, to the binding's default topic. Mind that the
     * first argument is the key, not a topic: {@code send("orders", text)} writes key {@code orders} to the default
     * topic; name the topic with {@link #send(String, String, String)}.
     *
     * @param key the record's key; may be {@code null}
     * @param value the record's value; may be {@code null}
     * @return as {@link #send(String, byte[], byte[])}
     * @throws IllegalStateException when the binding has no default topic, or the producer is closed
     */
    default CompletableFuture<RecordMetadata> send(String key, String value) {
        return send(utf8(key), utf8(value));
    }

    /**
     * Sends every record sent so far without waiting for {@code linger}, and returns once the broker has
     * answered for each of them (acknowledged or failed). For a function's {@code drain} hook, so that records are
     * written before the processor stops; the processor's close flushes too, for up to 10 s.
     *
     * @throws org.apache.kafka.common.errors.InterruptException when the calling thread is interrupted
     */
    void flush();

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
