package io.nucleon.trigger.nats;

import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.stream.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code attributes} of a {@code nats} trigger (core NATS subjects). {@code url}, {@code topic} and
 * {@code queueName} are Nuclio's names (Nuclio puts {@code url} beside {@code attributes}; here it is an
 * attribute); the rest are Nucleon's, shared with the other message triggers where they have a match.
 *
 * @param connection the servers, credentials and reconnect pacing
 * @param topic the subject to subscribe to; wildcards allowed
 * @param queueName the queue group, or empty: without one every processor replica gets every message
 * @param retry how failed messages are retried (held in memory: core NATS cannot redeliver)
 * @param maxInFlight the most messages taken and not yet settled
 * @param pendingMessageLimit the most messages the client queues for the trigger before it drops
 * @param pendingByteLimit the most bytes the client queues for the trigger before it drops
 * @param deadLetterSubject where messages go when their attempts are used up; empty to retry forever
 * @param workerTerminationTimeout how long shutdown waits for messages running in the function
 */
record NatsTriggerConfig(
        NatsConnectionSettings connection,
        String topic,
        String queueName,
        RetryPolicy retry,
        int maxInFlight,
        long pendingMessageLimit,
        long pendingByteLimit,
        String deadLetterSubject,
        Duration workerTerminationTimeout) {

    /** Default of {@code pendingMessageLimit}: {@value} (the Java client's default). */
    public static final long DEFAULT_PENDING_MESSAGE_LIMIT = 512 * 1024;

    /** Default of {@code pendingByteLimit}: 64 MiB (the Java client's default). */
    public static final long DEFAULT_PENDING_BYTE_LIMIT = 64L * 1024 * 1024;

    /** The attributes read here. */
    static final List<String> ATTRIBUTES = attributes();

    private static List<String> attributes() {
        List<String> names = new ArrayList<>(NatsConnectionSettings.ATTRIBUTES);
        names.addAll(List.of(
                "topic",
                "queueName",
                "retry",
                "maxInFlight",
                "pendingMessageLimit",
                "pendingByteLimit",
                "deadLetterSubject",
                "workerTerminationTimeout"));
        return List.copyOf(names);
    }

    /**
     * Reads and validates the attributes.
     *
     * @param attributes the trigger's {@code attributes} mapping
     * @param numWorkers the trigger's {@code numWorkers}, for the default of {@code maxInFlight}
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute and its line
     */
    static NatsTriggerConfig from(ConfigNode attributes, int numWorkers) {
        attributes.rejectUnknown(ATTRIBUTES);
        return new NatsTriggerConfig(
                NatsConnectionSettings.from(attributes),
                NatsAttributes.subscribeSubject(attributes, "topic"),
                queueName(attributes),
                attributes.child("retry").map(RetryPolicy::from).orElseGet(RetryPolicy::defaults),
                NatsAttributes.maxInFlight(attributes, numWorkers),
                attributes.longValue("pendingMessageLimit", DEFAULT_PENDING_MESSAGE_LIMIT, 1, Integer.MAX_VALUE),
                attributes.sizeBytes("pendingByteLimit", DEFAULT_PENDING_BYTE_LIMIT, 1024, 1L << 40),
                NatsAttributes.publishSubject(attributes, "deadLetterSubject"),
                NatsAttributes.positive(
                        attributes, "workerTerminationTimeout", NatsAttributes.DEFAULT_WORKER_TERMINATION_TIMEOUT));
    }

    /** Nuclio evaluates a Go template here; Nucleon takes the name as written. */
    private static String queueName(ConfigNode attributes) {
        String name = NatsAttributes.name(attributes, "queueName", "", false);
        if (name.contains("{{")) {
            throw attributes
                    .required("queueName")
                    .error("Go templates are not supported; write the queue group's name, e.g. orders-workers");
        }
        return name;
    }

    /** @return whether the trigger joins a queue group */
    boolean queueGroup() {
        return !queueName.isEmpty();
    }
}
