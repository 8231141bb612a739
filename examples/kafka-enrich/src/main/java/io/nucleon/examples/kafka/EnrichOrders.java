package io.nucleon.examples.kafka;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.InitContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads order lines ({@code order-17,3,12.50}) from the trigger's topic in micro-batches and writes each
 * as an enriched JSON order, with the same key, to {@code OUTPUT_TOPIC} (see {@link OrderEnrichment}).
 *
 * <p><b>At-least-once, end to end.</b> The kafka-cluster trigger commits an input offset only after
 * {@code handleBatch} has returned for that record, and {@code handleBatch} returns only after the broker
 * has acknowledged every output record it reports as done ({@code flush()}, then each send's future). So
 * an input record is never committed before its output is safe: a crash between the two makes the
 * trigger hand the record over again, and the output may then hold a duplicate, never a gap.
 *
 * <p>A record that is malformed or whose send failed is reported by its index in {@link
 * BatchResult#failed}; the trigger retries only those and, once {@code retry.maxAttempts} runs have
 * failed, sends them to the dead-letter topic. The others of the batch count as done.
 *
 * <p>One instance per worker, so each worker has its own producer and scratch buffers and no locks.
 * Configuration comes from {@code spec.env} in function.yaml (or the process environment):
 * {@value #BROKERS} and {@value #OUTPUT_TOPIC}.
 */
public final class EnrichOrders implements BatchFunction {

    /** Environment variable: the output cluster's bootstrap servers, {@code host:port[,host:port]}. */
    static final String BROKERS = "BROKERS";

    /** Environment variable: the topic the enriched orders go to. */
    static final String OUTPUT_TOPIC = "OUTPUT_TOPIC";

    /*
     * A broker that cannot be reached must fail the batch's sends well within spec.eventTimeout (30s in
     * function.yaml): a batch still running at that point counts as timed out as a whole, while failed
     * sends are retried record by record.
     */
    private static final int MAX_BLOCK_MS = 5_000;
    private static final int REQUEST_TIMEOUT_MS = 5_000;
    private static final int DELIVERY_TIMEOUT_MS = 15_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final StringBuilder json = new StringBuilder(256);
    private KafkaProducer<byte[], byte[]> producer;
    private String outputTopic;

    /** Per record of the current batch: its send, or {@code null} when it failed before being sent. */
    private Future<?>[] sends = new Future<?>[128];

    private int[] failed = new int[128];

    @Override
    public void init(InitContext context) {
        String brokers = required(context, BROKERS);
        outputTopic = required(context, OUTPUT_TOPIC);
        producer = new KafkaProducer<>(
                producerProperties(brokers, context), new ByteArraySerializer(), new ByteArraySerializer());
        context.logger().info("enriching orders", "outputTopic", outputTopic, "brokers", brokers);
    }

    @Override
    public BatchResult handleBatch(Context context, List<Event> events) {
        int size = events.size();
        ensureCapacity(size);
        for (int i = 0; i < size; i++) {
            sends[i] = enrichAndSend(events.get(i));
            if (sends[i] != null && sends[i].state() == Future.State.FAILED) {
                // send() itself failed (no metadata within max.block.ms): the broker or the output topic
                // is missing, and each further send would block as long. The rest wait for the retry.
                break;
            }
        }
        producer.flush();
        return result(size);
    }

    /** Nothing is pending between batches (handleBatch waits for its sends); this keeps it so. */
    @Override
    public void drain() {
        producer.flush();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    /** @return the send, or {@code null} when the line is malformed or the producer refused it */
    private Future<?> enrichAndSend(Event event) {
        json.setLength(0);
        if (!OrderEnrichment.appendJson(event.bodyString(), event.topic(), event.partition(), event.offset(), json)) {
            return null;
        }
        byte[] value = json.toString().getBytes(StandardCharsets.UTF_8);
        try {
            return producer.send(new ProducerRecord<>(outputTopic, null, copy(event.key()), value));
        } catch (KafkaException e) {
            return null;
        }
    }

    /** After flush() every send is complete; the ones not acknowledged are the batch's failures. */
    private BatchResult result(int size) {
        int failedCount = 0;
        for (int i = 0; i < size; i++) {
            if (!acknowledged(sends[i])) {
                failed[failedCount++] = i;
            }
            sends[i] = null;
        }
        return failedCount == 0 ? BatchResult.success() : BatchResult.failed(Arrays.copyOf(failed, failedCount));
    }

    private static boolean acknowledged(Future<?> send) {
        if (send == null) {
            return false;
        }
        try {
            send.get();
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            // The worker is being stopped: report the record failed, so that it is handed over again.
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void ensureCapacity(int size) {
        if (sends.length < size) {
            sends = new Future<?>[size];
            failed = new int[size];
        }
    }

    private static byte[] copy(ByteBuffer key) {
        if (key == null) {
            return null;
        }
        byte[] bytes = new byte[key.remaining()];
        key.duplicate().get(bytes);
        return bytes;
    }

    private static String required(InitContext context, String name) {
        String value = context.env(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name
                    + " is not set: add it to spec.env in function.yaml (or to the processor's environment)");
        }
        return value.strip();
    }

    private static Properties producerProperties(String brokers, InitContext context) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, context.functionName() + "-producer-" + context.workerId());
        // Every replica has the record before the send counts as done; retries cannot duplicate it.
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        return properties;
    }
}
