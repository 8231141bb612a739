package io.nucleon.trigger.nats;

import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.stream.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code attributes} of a {@code natsjetstream} trigger. {@code url}, {@code stream} and {@code
 * consumer} are Nuclio's names; the consumer settings carry JetStream's names ({@code ackWait}, {@code
 * maxDeliver}, {@code maxAckPending}, {@code deliverPolicy}, {@code filterSubject}); the rest are shared
 * with the other message triggers.
 *
 * @param connection the servers, credentials and reconnect pacing
 * @param stream the stream to consume; it must exist (the trigger does not create streams)
 * @param consumer the durable pull consumer's name; created when missing, its settings updated otherwise
 * @param filterSubject the consumer's filter subject, or empty for the whole stream
 * @param deliverPolicy where a new consumer starts: {@code all}, {@code new} or {@code last}
 * @param ackWait how long the server waits for an acknowledgement before it delivers a message again
 * @param maxDeliver the most deliveries the server makes of a message, or -1 for no limit
 * @param maxAckPending the most messages the server has delivered and not seen acknowledged, across every
 *     processor sharing the consumer
 * @param ordered whether messages of one subject run one at a time, in order
 * @param retry how failed messages are retried (through the server's nak with delay, or here when ordered)
 * @param maxInFlight the most messages this trigger takes and has not settled
 * @param deadLetterSubject where messages go when their attempts are used up; empty to retry forever
 * @param workerTerminationTimeout how long shutdown waits for messages running in the function
 */
record JetStreamTriggerConfig(
        NatsConnectionSettings connection,
        String stream,
        String consumer,
        String filterSubject,
        String deliverPolicy,
        Duration ackWait,
        long maxDeliver,
        int maxAckPending,
        boolean ordered,
        RetryPolicy retry,
        int maxInFlight,
        String deadLetterSubject,
        Duration workerTerminationTimeout) {

    /** Default of {@code ackWait}: 30 s (JetStream's default). */
    static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);

    /** The shortest {@code ackWait}: 1 s. */
    static final Duration MIN_ACK_WAIT = Duration.ofSeconds(1);

    /** Default of {@code maxDeliver}: {@value}, no limit: the trigger decides when to give up, not the server. */
    static final long DEFAULT_MAX_DELIVER = -1;

    /** Default of {@code deliverPolicy}: {@value} (JetStream's default). */
    static final String DEFAULT_DELIVER_POLICY = "all";

    /** The attributes read here. */
    static final List<String> ATTRIBUTES = attributes();

    private static List<String> attributes() {
        List<String> names = new ArrayList<>(NatsConnectionSettings.ATTRIBUTES);
        names.addAll(List.of(
                "stream",
                "consumer",
                "filterSubject",
                "deliverPolicy",
                "ackWait",
                "maxDeliver",
                "maxAckPending",
                "ordered",
                "retry",
                "maxInFlight",
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
    static JetStreamTriggerConfig from(ConfigNode attributes, int numWorkers) {
        attributes.rejectUnknown(ATTRIBUTES);
        RetryPolicy retry = attributes.child("retry").map(RetryPolicy::from).orElseGet(RetryPolicy::defaults);
        int maxInFlight = NatsAttributes.maxInFlight(attributes, numWorkers);
        String deadLetterSubject = NatsAttributes.publishSubject(attributes, "deadLetterSubject");
        return new JetStreamTriggerConfig(
                NatsConnectionSettings.from(attributes),
                required(attributes, "stream"),
                required(attributes, "consumer"),
                attributes.child("filterSubject").isPresent()
                        ? NatsAttributes.subscribeSubject(attributes, "filterSubject")
                        : "",
                NatsAttributes.oneOf(
                        attributes, "deliverPolicy", DEFAULT_DELIVER_POLICY, List.of("all", "new", "last")),
                ackWait(attributes),
                maxDeliver(attributes, retry, deadLetterSubject),
                attributes.integer("maxAckPending", maxInFlight, 1, 1_000_000),
                attributes.bool("ordered", false),
                retry,
                maxInFlight,
                deadLetterSubject,
                NatsAttributes.positive(
                        attributes, "workerTerminationTimeout", NatsAttributes.DEFAULT_WORKER_TERMINATION_TIMEOUT));
    }

    private static String required(ConfigNode attributes, String key) {
        attributes.string(key);
        return NatsAttributes.name(attributes, key, "", true);
    }

    private static Duration ackWait(ConfigNode attributes) {
        Duration ackWait = attributes.duration("ackWait", DEFAULT_ACK_WAIT);
        if (ackWait.compareTo(MIN_ACK_WAIT) < 0) {
            throw attributes.required("ackWait").error("must be at least 1s, got " + ackWait.toMillis() + "ms");
        }
        return ackWait;
    }

    /**
     * The trigger dead-letters a message at its {@code maxAttempts}-th delivery; a server that stops
     * delivering it before that would leave it neither handled nor dead-lettered.
     */
    private static long maxDeliver(ConfigNode attributes, RetryPolicy retry, String deadLetterSubject) {
        long maxDeliver = attributes.longValue("maxDeliver", DEFAULT_MAX_DELIVER, -1, 1_000_000);
        if (maxDeliver == 0) {
            throw attributes.required("maxDeliver").error("must be -1 (no limit) or at least 1, got 0");
        }
        if (maxDeliver != -1 && !deadLetterSubject.isEmpty() && maxDeliver <= retry.maxAttempts()) {
            throw attributes
                    .required("maxDeliver")
                    .error("(" + maxDeliver + ") must be greater than retry.maxAttempts (" + retry.maxAttempts()
                            + "): the trigger sends a message to deadLetterSubject after maxAttempts deliveries, "
                            + "and the server must not give up on it first; leave maxDeliver out (no limit) or "
                            + "raise it");
        }
        return maxDeliver;
    }
}
