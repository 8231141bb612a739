package io.nucleon.trigger.nats;

import io.nucleon.config.ConfigNode;
import java.time.Duration;
import java.util.List;

/** Reading and checking the attributes both NATS trigger kinds share. */
final class NatsAttributes {

    /** The least default {@code maxInFlight}: {@value}; the default is {@code max(16, 2 × numWorkers)}. */
    static final int MIN_DEFAULT_MAX_IN_FLIGHT = 16;

    /** Default of {@code workerTerminationTimeout}: 10 s. */
    static final Duration DEFAULT_WORKER_TERMINATION_TIMEOUT = Duration.ofSeconds(10);

    private NatsAttributes() {}

    /**
     * @param numWorkers the trigger's workers
     * @return the default {@code maxInFlight}: enough to keep every worker busy while settled messages
     *     are replaced
     */
    static int defaultMaxInFlight(int numWorkers) {
        return Math.max(MIN_DEFAULT_MAX_IN_FLIGHT, 2 * numWorkers);
    }

    static int maxInFlight(ConfigNode attributes, int numWorkers) {
        return attributes.integer("maxInFlight", defaultMaxInFlight(numWorkers), 1, 100_000);
    }

    static Duration positive(ConfigNode attributes, String key, Duration defaultValue) {
        Duration value = attributes.duration(key, defaultValue);
        if (value.isZero() || value.isNegative()) {
            throw attributes.required(key).error("must be longer than 0");
        }
        return value;
    }

    static String oneOf(ConfigNode attributes, String key, String defaultValue, List<String> allowed) {
        String value = attributes.string(key, defaultValue);
        if (!allowed.contains(value)) {
            throw attributes
                    .required(key)
                    .error("must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    /**
     * A subject to subscribe to: dot-separated tokens, {@code *} for one token, {@code >} for the rest.
     *
     * @return the subject
     */
    static String subscribeSubject(ConfigNode attributes, String key) {
        String subject = attributes.string(key);
        checkSubject(attributes.required(key), subject, true);
        return subject;
    }

    /**
     * An optional subject to publish to (no wildcards).
     *
     * @return the subject, or empty when absent
     */
    static String publishSubject(ConfigNode attributes, String key) {
        String subject = attributes.string(key, "");
        if (!subject.isEmpty()) {
            checkSubject(attributes.required(key), subject, false);
        }
        return subject;
    }

    private static void checkSubject(ConfigNode node, String subject, boolean wildcards) {
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty()) {
                throw node.error(
                        "'" + subject + "' is not a valid subject: empty token (two dots, or a dot at an end)");
            }
            if (token.chars().anyMatch(Character::isWhitespace)) {
                throw node.error("'" + subject + "' is not a valid subject: it contains whitespace");
            }
            boolean wildcard = token.equals("*") || token.equals(">");
            if (wildcard && !wildcards) {
                throw node.error("'" + subject + "' must not contain wildcards (* or >): messages are published to it");
            }
            if (token.equals(">") && i != tokens.length - 1) {
                throw node.error("'" + subject + "' is not a valid subject: '>' must be the last token");
            }
        }
    }

    /**
     * A stream, consumer or queue group name: no whitespace, and for JetStream names no {@code . * > / \}.
     *
     * @return the name, or {@code defaultValue} when absent
     */
    static String name(ConfigNode attributes, String key, String defaultValue, boolean jetStreamName) {
        String name = attributes.child(key).isPresent() ? attributes.string(key) : defaultValue;
        if (name.isEmpty()) {
            return name;
        }
        ConfigNode node = attributes.required(key);
        if (name.chars().anyMatch(Character::isWhitespace)) {
            throw node.error("'" + name + "' must not contain whitespace");
        }
        if (jetStreamName && name.chars().anyMatch(c -> ".*>/\\".indexOf(c) >= 0)) {
            throw node.error("'" + name + "' must not contain . * > / or \\ (JetStream names)");
        }
        return name;
    }
}
