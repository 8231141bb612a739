package io.nucleon.trigger.mqtt;

import io.nucleon.config.ConfigNode;
import io.nucleon.runtime.stream.RetryPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.MqttTopic;

/**
 * The {@code attributes} of an {@code mqtt} trigger. Nuclio's names where Nuclio has them: {@code
 * subscriptions} ({@code topic}, {@code qos}) and {@code clientID} are Nuclio attributes; {@code url},
 * {@code username} and {@code password} sit beside {@code attributes} in a Nuclio trigger and are
 * attributes here (a bare {@code host:port} URL, as Nuclio writes it, means {@code tcp://host:port}).
 * The rest are Nucleon's, named like the other triggers' ({@code retry}, {@code maxInFlight}, {@code
 * workerTerminationTimeout}, {@code deadLetterTopic}).
 *
 * @param url the broker, {@code tcp://host:port}, {@code ssl://host:port}, {@code ws://} or {@code wss://}
 * @param subscriptions topic filters with the QoS to subscribe with, at least one
 * @param clientId the MQTT client identifier, stable across restarts so the broker keeps the session
 * @param username the user name, or empty
 * @param password the password, or empty; never logged
 * @param cleanSession whether the broker forgets the session (subscriptions, unacknowledged messages) on
 *     disconnect
 * @param keepAlive the MQTT keep-alive interval, whole seconds
 * @param connectionTimeout how long one connection attempt may take, whole seconds
 * @param maxReconnectDelay the longest wait between two connection attempts
 * @param ordered whether messages of one topic run one at a time in arrival order
 * @param deadLetterTopic where a message goes once its attempts are used up; empty to retry forever
 * @param retry how failed messages are retried
 * @param maxInFlight the most messages taken from the broker and not yet settled
 * @param workerTerminationTimeout how long closing waits for messages still running
 */
public record MqttTriggerConfig(
        String url,
        List<Subscription> subscriptions,
        String clientId,
        String username,
        String password,
        boolean cleanSession,
        Duration keepAlive,
        Duration connectionTimeout,
        Duration maxReconnectDelay,
        boolean ordered,
        String deadLetterTopic,
        RetryPolicy retry,
        int maxInFlight,
        Duration workerTerminationTimeout) {

    /**
     * One subscription.
     *
     * @param topic a topic filter, wildcards {@code +} and {@code #} allowed
     * @param qos the QoS to subscribe with: 0, 1 or 2
     */
    public record Subscription(String topic, int qos) {}

    /** Default of {@code subscriptions[].qos}: {@value} (at-least-once). */
    public static final int DEFAULT_QOS = 1;
    /** Default of {@code cleanSession}: {@value} (a persistent session keeps unacknowledged messages). */
    public static final boolean DEFAULT_CLEAN_SESSION = false;
    /** Default of {@code keepAlive}: 60 s (Paho's default). */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);
    /** Default of {@code connectionTimeout}: 30 s (Paho's default). */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
    /** Default of {@code maxReconnectDelay}: 30 s (Paho's own default, 128 s, is long for a function). */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(30);
    /**
     * The smallest default of {@code maxInFlight}: {@value}. The default is {@code max(2 × numWorkers,
     * 32)}: workers always find the next message waiting, and Paho's reader seldom has to wait. The
     * broker's own window ({@code max_inflight_messages}, 20 in Mosquitto) does not bound this: Mosquitto
     * 2.0.11 honours it for the first messages only and sends more once acknowledgements flow (measured:
     * 75 to 90 of 100 unacknowledged with a window of 20), so this bound is the one that holds.
     */
    public static final int MIN_DEFAULT_MAX_IN_FLIGHT = 32;
    /** Largest {@code maxInFlight}: {@value}, the number of MQTT packet identifiers. */
    public static final int MAX_MAX_IN_FLIGHT = 65_535;
    /** Default of {@code workerTerminationTimeout}: 10 s. */
    public static final Duration DEFAULT_WORKER_TERMINATION_TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> SCHEMES = List.of("tcp", "ssl", "ws", "wss");
    private static final int MAX_CLIENT_ID_BYTES = 65_535;

    static final List<String> ATTRIBUTES = List.of(
            "url",
            "subscriptions",
            "clientID",
            "username",
            "password",
            "cleanSession",
            "keepAlive",
            "connectionTimeout",
            "maxReconnectDelay",
            "ordered",
            "deadLetterTopic",
            "retry",
            "maxInFlight",
            "workerTerminationTimeout");

    private static final List<String> SUBSCRIPTION_FIELDS = List.of("topic", "qos");

    public MqttTriggerConfig {
        subscriptions = List.copyOf(subscriptions);
    }

    /**
     * Reads and validates the attributes.
     *
     * @param attributes the trigger's {@code attributes} mapping
     * @param functionName the function's name, for the default client identifier
     * @param triggerName the trigger's name, for the default client identifier
     * @param numWorkers the trigger's workers, for the default {@code maxInFlight}
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute and its line
     */
    public static MqttTriggerConfig from(
            ConfigNode attributes, String functionName, String triggerName, int numWorkers) {
        attributes.rejectUnknown(ATTRIBUTES);
        List<Subscription> subscriptions = subscriptions(attributes.required("subscriptions"));
        String username = attributes.string("username", "");
        String password = attributes.string("password", "");
        if (!password.isEmpty() && username.isEmpty()) {
            throw attributes.required("password").error("needs a username (MQTT sends no password without one)");
        }
        return new MqttTriggerConfig(
                url(attributes),
                subscriptions,
                clientId(attributes, "nucleon-" + functionName + "-" + triggerName),
                username,
                password,
                attributes.bool("cleanSession", DEFAULT_CLEAN_SESSION),
                wholeSeconds(attributes, "keepAlive", DEFAULT_KEEP_ALIVE),
                wholeSeconds(attributes, "connectionTimeout", DEFAULT_CONNECTION_TIMEOUT),
                atLeastOneSecond(attributes, "maxReconnectDelay", DEFAULT_MAX_RECONNECT_DELAY),
                attributes.bool("ordered", false),
                deadLetterTopic(attributes, subscriptions),
                attributes.child("retry").map(RetryPolicy::from).orElseGet(RetryPolicy::defaults),
                attributes.integer("maxInFlight", defaultMaxInFlight(numWorkers), 1, MAX_MAX_IN_FLIGHT),
                positive(attributes, "workerTerminationTimeout", DEFAULT_WORKER_TERMINATION_TIMEOUT));
    }

    /**
     * @param numWorkers the trigger's workers
     * @return {@code max(2 × numWorkers, 32)}
     */
    public static int defaultMaxInFlight(int numWorkers) {
        return Math.max(2 * numWorkers, MIN_DEFAULT_MAX_IN_FLIGHT);
    }

    /** @return whether failed messages go to a dead-letter topic once their attempts are used up */
    public boolean deadLetters() {
        return !deadLetterTopic.isEmpty();
    }

    /** @return the subscriptions' topic filters, in order */
    String[] topics() {
        return subscriptions.stream().map(Subscription::topic).toArray(String[]::new);
    }

    /** @return the subscriptions' QoS, in the order of {@link #topics()} */
    int[] qos() {
        return subscriptions.stream().mapToInt(Subscription::qos).toArray();
    }

    /** The password never appears in logs or errors. */
    @Override
    public String toString() {
        return "MqttTriggerConfig[url=" + url + ", subscriptions=" + subscriptions + ", clientId=" + clientId
                + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "****") + ", cleanSession="
                + cleanSession + ", keepAlive=" + keepAlive + ", connectionTimeout=" + connectionTimeout
                + ", maxReconnectDelay=" + maxReconnectDelay + ", ordered=" + ordered + ", deadLetterTopic="
                + deadLetterTopic + ", retry=" + retry + ", maxInFlight=" + maxInFlight
                + ", workerTerminationTimeout=" + workerTerminationTimeout + "]";
    }

    private static String url(ConfigNode attributes) {
        ConfigNode node = attributes.required("url");
        String text = attributes.string("url").trim();
        if (text.contains("@")) { // not quoted back: it may hold a password
            throw node.error("must not carry credentials; use the username and password attributes");
        }
        String url = text.contains("://") ? text : "tcp://" + text; // Nuclio writes host:port
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw node.error("is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!SCHEMES.contains(scheme)) {
            throw node.error("must start with tcp://, ssl://, ws:// or wss:// (or be host:port), got '" + text + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw node.error("must name a host, e.g. tcp://broker:1883, got '" + text + "'");
        }
        boolean hasPath = uri.getPath() != null
                && !uri.getPath().isEmpty()
                && !uri.getPath().equals("/");
        if ((scheme.equals("tcp") || scheme.equals("ssl")) && (hasPath || uri.getQuery() != null)) {
            throw node.error("must be " + scheme + "://host:port without a path, got '" + text + "'");
        }
        return url;
    }

    private static List<Subscription> subscriptions(ConfigNode node) {
        if (!node.isSequence()) {
            throw node.error("must be a list of {topic, qos}, e.g. [{topic: sensors/+/temperature, qos: 1}]");
        }
        List<Subscription> subscriptions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfigNode element : node.elements()) {
            if (!element.isMapping()) {
                throw element.error("must be a mapping {topic, qos}");
            }
            element.rejectUnknown(SUBSCRIPTION_FIELDS);
            String topic = element.string("topic");
            try {
                MqttTopic.validate(topic, true);
            } catch (IllegalArgumentException e) {
                throw element.required("topic").error("is not a valid MQTT topic filter: " + e.getMessage());
            }
            if (!seen.add(topic)) {
                throw element.required("topic").error("'" + topic + "' is subscribed twice");
            }
            subscriptions.add(new Subscription(topic, element.integer("qos", DEFAULT_QOS, 0, 2)));
        }
        if (subscriptions.isEmpty()) {
            throw node.error("must have at least one subscription");
        }
        return subscriptions;
    }

    private static String clientId(ConfigNode attributes, String derived) {
        Optional<ConfigNode> node = attributes.child("clientID");
        if (node.isEmpty()) {
            return derived;
        }
        String clientId = attributes.string("clientID");
        if (clientId.getBytes(StandardCharsets.UTF_8).length > MAX_CLIENT_ID_BYTES) {
            throw node.get().error("must be at most " + MAX_CLIENT_ID_BYTES + " bytes long");
        }
        return clientId;
    }

    private static String deadLetterTopic(ConfigNode attributes, List<Subscription> subscriptions) {
        String topic = attributes.string("deadLetterTopic", "");
        if (topic.isEmpty()) {
            return topic;
        }
        ConfigNode node = attributes.required("deadLetterTopic");
        try {
            MqttTopic.validate(topic, false);
        } catch (IllegalArgumentException e) {
            throw node.error("is not a topic one can publish to (no wildcards): " + e.getMessage());
        }
        for (Subscription subscription : subscriptions) {
            if (MqttTopic.isMatched(subscription.topic(), topic)) {
                throw node.error("'" + topic + "' matches the subscription '" + subscription.topic()
                        + "': dead letters would come back to this trigger");
            }
        }
        return topic;
    }

    private static Duration positive(ConfigNode node, String key, Duration defaultValue) {
        Duration value = node.duration(key, defaultValue);
        if (value.isZero()) {
            throw node.required(key).error("must be longer than 0");
        }
        return value;
    }

    private static Duration atLeastOneSecond(ConfigNode node, String key, Duration defaultValue) {
        Duration value = node.duration(key, defaultValue);
        if (value.compareTo(Duration.ofSeconds(1)) < 0) {
            throw node.required(key).error("must be at least 1s, got " + value.toMillis() + "ms");
        }
        return value;
    }

    /** MQTT's keep-alive and Paho's connection timeout count whole seconds. */
    private static Duration wholeSeconds(ConfigNode node, String key, Duration defaultValue) {
        Duration value = atLeastOneSecond(node, key, defaultValue);
        if (value.toMillisPart() != 0) {
            throw node.required(key).error("must be whole seconds, got " + value.toMillis() + "ms");
        }
        if (value.toSeconds() > 65_535) {
            throw node.required(key).error("must be at most 65535s (18h12m15s), got " + value.toSeconds() + "s");
        }
        return value;
    }
}
