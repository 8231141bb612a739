package io.nucleon.trigger.kafka;

import io.nucleon.runtime.stream.DeadLetterSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records whose retries are used up to the dead-letter topic: the original key, value and
 * headers, plus headers that say why and where the record came from:
 *
 * <pre>
 *   nucleon.dlq.error            the last error message (at most 1000 characters)
 *   nucleon.dlq.error.class      the exception class, or "timeout" / "batch-failure"
 *   nucleon.dlq.topic            the original topic
 *   nucleon.dlq.partition        the original partition
 *   nucleon.dlq.offset           the original offset
 *   nucleon.dlq.attempts         how many times the function ran it
 *   nucleon.dlq.function         the function's name
 *   nucleon.dlq.trigger          the trigger's name
 * </pre>
 *
 * The partition waits for the broker's acknowledgement before committing past the record, so a
 * dead-lettered record is never lost. Sends run on the publisher's own thread: a topic that does not
 * exist or a broker that is away (the producer waits up to {@code max.block.ms} for metadata) never
 * blocks the poll thread, so other partitions go on.
 */
final class DeadLetterPublisher implements DeadLetterSink<ConsumerRecord<byte[], byte[]>>, AutoCloseable {

    static final String PREFIX = "nucleon.dlq.";
    private static final int MAX_ERROR_LENGTH = 1000;

    private final String topic;
    private final String functionName;
    private final String triggerName;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ExecutorService sender;

    DeadLetterPublisher(String topic, String functionName, String triggerName, Map<String, String> clientProperties) {
        this.topic = topic;
        this.functionName = functionName;
        this.triggerName = triggerName;
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // A send that cannot reach the broker fails within this time; the partition then tries again later.
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "nucleon-" + functionName + "-" + triggerName + "-dlq");
        this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = Executors.newSingleThreadExecutor(Thread.ofPlatform()
                .name("nucleon-kafka-" + triggerName + "-dlq")
                .daemon(true)
                .factory());
    }

    @Override
    public String destination() {
        return topic;
    }

    @Override
    public String describeFailure(Throwable failure) {
        return "cannot write to the dead-letter topic '" + topic + "': " + failure;
    }

    /**
     * Sends the records to the dead-letter topic, without blocking the caller.
     *
     * @return done when the broker has acknowledged every record, or failed with the first error
     */
    @Override
    public CompletableFuture<Void> send(
            List<ConsumerRecord<byte[], byte[]>> records, String errorClass, String error, int attempts) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        sender.execute(() -> sendAll(records, errorClass, error, attempts, done));
        return done;
    }

    private void sendAll(
            List<ConsumerRecord<byte[], byte[]>> records,
            String errorClass,
            String error,
            int attempts,
            CompletableFuture<Void> done) {
        AtomicInteger left = new AtomicInteger(records.size());
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                producer.send(deadLetter(record, errorClass, error, attempts), (metadata, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else if (left.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                });
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e); // e.g. no metadata for the topic within max.block.ms
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetter(
            ConsumerRecord<byte[], byte[]> record, String errorClass, String error, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        String message = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
        add(headers, "error", message);
        add(headers, "error.class", errorClass);
        add(headers, "topic", record.topic());
        add(headers, "partition", Integer.toString(record.partition()));
        add(headers, "offset", Long.toString(record.offset()));
        add(headers, "attempts", Integer.toString(attempts));
        add(headers, "function", functionName);
        add(headers, "trigger", triggerName);
        return new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
