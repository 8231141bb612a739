package io.nucleon.trigger.rabbitmq;

import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.stream.RetryPolicy;
import io.nucleon.support.rabbitmq.AmqpUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code attributes} of a {@code rabbit-mq} trigger. Nuclio's names where Nuclio has them ({@code url},
 * which Nuclio writes beside {@code attributes}, {@code exchangeName}, {@code queueName}, {@code topics},
 * {@code prefetchCount}, {@code durableExchange}, {@code durableQueue}, {@code reconnectInterval}, {@code
 * reconnectDuration}); the rest are Nucleon's.
 *
 * @param url where the broker is and how to log in
 * @param exchangeName the exchange the queue is bound to; empty for none
 * @param exchangeType the exchange's type when the trigger declares it
 * @param queueName the queue to consume (given, or {@code nucleon-<function>-<trigger>} with only topics)
 * @param topics routing keys that bind the queue to the exchange
 * @param declare whether the trigger declares the exchanges, the queue and the bindings (else it checks
 *     that they exist and consumes)
 * @param durableExchange whether a declared exchange survives a broker restart
 * @param durableQueue whether a declared queue survives a broker restart
 * @param queueType {@code x-queue-type} of a declared queue ({@code classic}, {@code quorum}); empty for the
 *     broker's default
 * @param prefetchCount the most unacknowledged messages the broker sends the trigger
 * @param maxInFlight the most messages taken and not yet acknowledged, rejected or left
 * @param retry how failed messages are retried
 * @param deadLetterExchange where messages go when their attempts are used up; empty to retry forever
 * @param deadLetterRoutingKey the routing key dead-lettered messages get; empty to keep theirs
 * @param workerTerminationTimeout how long shutdown waits for messages running in the function
 * @param reconnectInterval the wait before the first reconnect attempt; doubles per failed attempt
 * @param maxReconnectInterval the longest wait between reconnect attempts
 */
record RabbitTriggerConfig(
        AmqpUrl url,
        String exchangeName,
        String exchangeType,
        String queueName,
        List<String> topics,
        boolean declare,
        boolean durableExchange,
        boolean durableQueue,
        String queueType,
        int prefetchCount,
        int maxInFlight,
        RetryPolicy retry,
        String deadLetterExchange,
        String deadLetterRoutingKey,
        Duration workerTerminationTimeout,
        Duration reconnectInterval,
        Duration maxReconnectInterval) {

    /** Default of {@code exchangeType}: {@value} (the type Nuclio declares). */
    public static final String DEFAULT_EXCHANGE_TYPE = "topic";
    /** The least default of {@code maxInFlight}, which is otherwise twice {@code numWorkers}: {@value}. */
    public static final int MIN_DEFAULT_MAX_IN_FLIGHT = 16;
    /** Default of {@code workerTerminationTimeout}: 10 s. */
    public static final Duration DEFAULT_WORKER_TERMINATION_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code reconnectInterval}: 1 s (Nuclio waits 15 s between fixed attempts). */
    public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(1);
    /** Default of {@code maxReconnectInterval}: 30 s. */
    public static final Duration DEFAULT_MAX_RECONNECT_INTERVAL = Duration.ofSeconds(30);
    /** The most unacknowledged messages AMQP's {@code basic.qos} can ask for: {@value}. */
    public static final int MAX_PREFETCH_COUNT = 65_535;

    /** The attributes read here. {@code reconnectDuration} is accepted for Nuclio files and not used. */
    static final List<String> ATTRIBUTES = List.of(
            "url",
            "exchangeName",
            "exchangeType",
            "queueName",
            "topics",
            "declare",
            "durableExchange",
            "durableQueue",
            "queueType",
            "prefetchCount",
            "maxInFlight",
            "retry",
            "deadLetterExchange",
            "deadLetterRoutingKey",
            "workerTerminationTimeout",
            "reconnectInterval",
            "maxReconnectInterval",
            "reconnectDuration");

    private static final List<String> EXCHANGE_TYPES = List.of("direct", "fanout", "topic", "headers");
    private static final List<String> QUEUE_TYPES = List.of("classic", "quorum");

    public RabbitTriggerConfig {
        topics = List.copyOf(topics);
    }

    /**
     * Reads and validates the attributes.
     *
     * @param attributes the trigger's {@code attributes} mapping
     * @param functionName the function's name, for the name of a queue the trigger declares itself
     * @param triggerName the trigger's name, likewise
     * @param numWorkers the trigger's workers, for the default of {@code maxInFlight}
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute and its line
     */
    static RabbitTriggerConfig from(ConfigNode attributes, String functionName, String triggerName, int numWorkers) {
        rejectNuclioErrorHandling(attributes);
        attributes.rejectUnknown(ATTRIBUTES);
        AmqpUrl url = url(attributes);
        boolean declare = attributes.bool("declare", true);
        String exchangeName = attributes.string("exchangeName", "");
        String exchangeType = oneOf(attributes, "exchangeType", DEFAULT_EXCHANGE_TYPE, EXCHANGE_TYPES);
        List<String> topics = topics(attributes, exchangeName, declare);
        String queueName = attributes.string("queueName", "");
        if (queueName.isEmpty() && topics.isEmpty()) {
            throw attributes.error("queueName or topics is required (queueName: the queue to consume; topics with "
                    + "exchangeName: routing keys that bind a queue of the trigger's own to the exchange)");
        }
        if (!exchangeName.isEmpty() && topics.isEmpty() && declare && routesByKey(exchangeType)) {
            throw attributes
                    .required("exchangeName")
                    .error("needs topics, the routing keys that bind the queue to this " + exchangeType
                            + " exchange ('#' binds every key of a topic exchange), or declare: false when the "
                            + "bindings exist");
        }
        String deadLetterExchange = attributes.string("deadLetterExchange", "");
        String deadLetterRoutingKey = attributes.string("deadLetterRoutingKey", "");
        if (!deadLetterRoutingKey.isEmpty() && deadLetterExchange.isEmpty()) {
            throw attributes.required("deadLetterRoutingKey").error("needs deadLetterExchange");
        }
        int maxInFlight =
                attributes.integer("maxInFlight", Math.max(MIN_DEFAULT_MAX_IN_FLIGHT, 2 * numWorkers), 1, 100_000);
        Duration reconnect = positive(attributes, "reconnectInterval", DEFAULT_RECONNECT_INTERVAL);
        Duration maxReconnect = positive(attributes, "maxReconnectInterval", DEFAULT_MAX_RECONNECT_INTERVAL);
        if (maxReconnect.compareTo(reconnect) < 0) {
            throw attributes
                    .child("maxReconnectInterval")
                    .orElseGet(() -> attributes.required("reconnectInterval"))
                    .error("maxReconnectInterval (" + maxReconnect.toMillis() + "ms) must not be shorter than "
                            + "reconnectInterval (" + reconnect.toMillis() + "ms)");
        }
        attributes.duration("reconnectDuration", Duration.ZERO); // Nuclio's; validated, not used
        return new RabbitTriggerConfig(
                url,
                exchangeName,
                exchangeType,
                queueName.isEmpty() ? "nucleon-" + functionName + "-" + triggerName : queueName,
                topics,
                declare,
                attributes.bool("durableExchange", true),
                attributes.bool("durableQueue", true),
                queueType(attributes),
                prefetchCount(attributes, maxInFlight),
                maxInFlight,
                attributes.child("retry").map(RetryPolicy::from).orElseGet(RetryPolicy::defaults),
                deadLetterExchange,
                deadLetterRoutingKey,
                positive(attributes, "workerTerminationTimeout", DEFAULT_WORKER_TERMINATION_TIMEOUT),
                reconnect,
                maxReconnect);
    }

    /** @return whether messages whose attempts are used up are rejected to a dead-letter exchange */
    boolean deadLetters() {
        return !deadLetterExchange.isEmpty();
    }

    /** Nuclio 1.14 acks or nacks failed messages; here they are retried and dead-lettered instead. */
    private static void rejectNuclioErrorHandling(ConfigNode attributes) {
        for (String key : List.of("onError", "requeueOnError")) {
            if (attributes.child(key).isPresent()) {
                throw attributes
                        .required(key)
                        .error("is Nuclio's and not supported: a failed message is retried (retry) and then "
                                + "rejected to deadLetterExchange, or retried until it succeeds without one; "
                                + "remove it");
            }
        }
    }

    private static AmqpUrl url(ConfigNode attributes) {
        ConfigNode node = attributes.required("url");
        try {
            return AmqpUrl.parse(attributes.string("url"));
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    /** Nuclio writes a list; a comma-separated string is accepted too. */
    private static List<String> topics(ConfigNode attributes, String exchangeName, boolean declare) {
        var node = attributes.child("topics");
        if (node.isEmpty()) {
            return List.of();
        }
        List<String> topics = new ArrayList<>();
        if (node.get().isSequence()) {
            node.get().elements().forEach(element -> topics.add(element.scalar().trim()));
        } else {
            Arrays.stream(node.get().scalar().split(",")).map(String::trim).forEach(topics::add);
        }
        topics.removeIf(String::isEmpty);
        if (topics.isEmpty()) {
            throw node.get().error("must name at least one routing key");
        }
        if (exchangeName.isEmpty()) {
            throw node.get().error("needs exchangeName, the exchange whose messages the topics select");
        }
        if (!declare) {
            throw node.get()
                    .error("binds the queue to the exchange, which needs declare: true; remove topics "
                            + "when the bindings exist");
        }
        return topics;
    }

    private static boolean routesByKey(String exchangeType) {
        return exchangeType.equals("direct") || exchangeType.equals("topic");
    }

    private static String queueType(ConfigNode attributes) {
        if (attributes.child("queueType").isEmpty()) {
            return "";
        }
        return oneOf(attributes, "queueType", "", QUEUE_TYPES);
    }

    private static int prefetchCount(ConfigNode attributes, int maxInFlight) {
        var node = attributes.child("prefetchCount");
        if (node.isPresent() && node.get().scalar().trim().equals("0")) {
            throw node.get()
                    .error("must be from 1 to " + MAX_PREFETCH_COUNT + "; 0 (Nuclio's default, no limit) would let "
                            + "the broker push the whole queue into the processor's memory");
        }
        return attributes.integer("prefetchCount", Math.min(maxInFlight, MAX_PREFETCH_COUNT), 1, MAX_PREFETCH_COUNT);
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
        if (value.isZero() || value.isNegative()) {
            throw node.required(key).error("must be longer than 0");
        }
        return value;
    }
}
