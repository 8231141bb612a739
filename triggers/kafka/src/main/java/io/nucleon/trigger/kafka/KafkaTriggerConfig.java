package io.nucleon.trigger.kafka;

import io.nucleon.config.BatchConfig;
import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.stream.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code attributes} of a {@code kafka-cluster} trigger (Nuclio's names where Nuclio has them), plus
 * the trigger's {@code batch} section.
 *
 * @param brokers bootstrap servers, {@code host:port}
 * @param topics topics to subscribe to
 * @param consumerGroup the consumer group
 * @param initialOffset where a group without a committed offset starts: {@code earliest} or {@code latest}
 * @param sessionTimeout the consumer's group session timeout
 * @param heartbeatInterval the consumer's heartbeat interval
 * @param maxPollRecords the most records one poll returns
 * @param maxBufferedRecords the most fetched records the trigger holds across its partitions
 * @param workerAllocationMode {@code pool} or {@code static} (see {@link #ATTRIBUTES})
 * @param retry how failed records are retried
 * @param deadLetterTopic where records go when their retries are used up; empty to retry forever
 * @param workerTerminationTimeout how long a rebalance or shutdown waits for in-flight records
 * @param commitInterval how often handled offsets are committed
 * @param batch micro-batches for a BatchFunction, when configured
 * @param security SASL and TLS settings, as client properties
 * @param consumerProperties raw client properties, applied last
 */
public record KafkaTriggerConfig(
        List<String> brokers,
        List<String> topics,
        String consumerGroup,
        String initialOffset,
        Duration sessionTimeout,
        Duration heartbeatInterval,
        int maxPollRecords,
        int maxBufferedRecords,
        String workerAllocationMode,
        RetryPolicy retry,
        String deadLetterTopic,
        Duration workerTerminationTimeout,
        Duration commitInterval,
        Optional<BatchConfig> batch,
        Map<String, String> security,
        Map<String, String> consumerProperties) {

    /** Default of {@code initialOffset}: {@value} (Kafka's and Nuclio's default). */
    public static final String DEFAULT_INITIAL_OFFSET = "latest";
    /** Default of {@code sessionTimeout}: 10 s. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code heartbeatInterval}: 3 s. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
    /** Default of {@code maxPollRecords}: {@value}. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 500;
    /** Default of {@code maxBufferedRecords}: {@value}. */
    public static final int DEFAULT_MAX_BUFFERED_RECORDS = 10_000;
    /** Default of {@code workerTerminationTimeout}: 10 s. */
    public static final Duration DEFAULT_WORKER_TERMINATION_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code commitInterval}: 1 s. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

    public KafkaTriggerConfig {
        security = Collections.unmodifiableMap(new LinkedHashMap<>(security));
        consumerProperties = Collections.unmodifiableMap(new LinkedHashMap<>(consumerProperties));
    }

    /**
     * The attributes read here. {@code workerAllocationMode} is accepted for Nuclio files: in Nucleon
     * both {@code pool} and {@code static} keep each partition in order (a partition never has more than
     * one unit of work in flight) and any free worker takes the next unit.
     */
    static final List<String> ATTRIBUTES = List.of(
            "brokers",
            "topics",
            "consumerGroup",
            "initialOffset",
            "sessionTimeout",
            "heartbeatInterval",
            "maxPollRecords",
            "maxBufferedRecords",
            "workerAllocationMode",
            "retry",
            "deadLetterTopic",
            "workerTerminationTimeout",
            "commitInterval",
            "sasl",
            "tls",
            "consumerProperties");

    /**
     * Reads and validates the attributes.
     *
     * @param attributes the trigger's {@code attributes} mapping
     * @param batch the trigger's {@code batch} section
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute and its line
     */
    public static KafkaTriggerConfig from(ConfigNode attributes, Optional<BatchConfig> batch) {
        attributes.rejectUnknown(ATTRIBUTES);
        Duration session = positive(attributes, "sessionTimeout", DEFAULT_SESSION_TIMEOUT);
        Duration heartbeat = positive(attributes, "heartbeatInterval", DEFAULT_HEARTBEAT_INTERVAL);
        if (heartbeat.compareTo(session) >= 0) {
            // Point at whichever of the two the file sets; the other may be a default.
            throw attributes
                    .child("heartbeatInterval")
                    .orElseGet(() -> attributes.required("sessionTimeout"))
                    .error("heartbeatInterval (" + heartbeat.toMillis() + "ms) must be shorter than sessionTimeout ("
                            + session.toMillis() + "ms)");
        }
        return new KafkaTriggerConfig(
                names(attributes, "brokers"),
                names(attributes, "topics"),
                attributes.string("consumerGroup"),
                oneOf(attributes, "initialOffset", DEFAULT_INITIAL_OFFSET, List.of("earliest", "latest")),
                session,
                heartbeat,
                attributes.integer("maxPollRecords", DEFAULT_MAX_POLL_RECORDS, 1, 100_000),
                attributes.integer("maxBufferedRecords", DEFAULT_MAX_BUFFERED_RECORDS, 1, 10_000_000),
                oneOf(attributes, "workerAllocationMode", "pool", List.of("pool", "static")),
                attributes.child("retry").map(RetryPolicy::from).orElseGet(RetryPolicy::defaults),
                attributes.string("deadLetterTopic", ""),
                positive(attributes, "workerTerminationTimeout", DEFAULT_WORKER_TERMINATION_TIMEOUT),
                positive(attributes, "commitInterval", DEFAULT_COMMIT_INTERVAL),
                batch,
                KafkaSecurity.properties(attributes),
                attributes
                        .child("consumerProperties")
                        .map(ConfigNode::stringMap)
                        .orElse(Map.of()));
    }

    /** @return whether records go to a BatchFunction in micro-batches */
    public boolean batched() {
        return batch.isPresent();
    }

    /** Nuclio writes lists; a comma-separated string is accepted too. */
    private static List<String> names(ConfigNode attributes, String key) {
        ConfigNode node = attributes.required(key);
        List<String> names = new ArrayList<>();
        if (node.isSequence()) {
            node.elements().forEach(element -> names.add(element.scalar().trim()));
        } else {
            Arrays.stream(node.scalar().split(",")).map(String::trim).forEach(names::add);
        }
        names.removeIf(String::isEmpty);
        if (names.isEmpty()) {
            throw node.error("must name at least one");
        }
        return List.copyOf(names);
    }

    private static String oneOf(ConfigNode node, String key, String defaultValue, List<String> allowed) {
        String value = node.string(key, defaultValue);
        if (!allowed.contains(value)) {
            throw node.required(key).error("must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    private static Duration positive(ConfigNode node, String key, Duration defaultValue) {
        Duration value = node.duration(key, defaultValue);
        if (value.isZero()) {
            throw node.required(key).error("must be longer than 0");
        }
        return value;
    }
}
