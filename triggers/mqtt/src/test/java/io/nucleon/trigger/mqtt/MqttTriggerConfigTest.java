package io.nucleon.trigger.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.stream.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mqtt trigger's attributes, read from a function.yaml: defaults, forms and errors. */
class MqttTriggerConfigTest {

    /** Line of {@code attributes:} in {@link #yaml}; attribute {@code i} (0-based) is on line {@code ATTRIBUTES + 1 + i}. */
    private static final int ATTRIBUTES = 9;

    private static final String WHERE = "spec.triggers.sensors.attributes";
    static final List<String> REQUIRED =
            List.of("url: tcp://broker:1883", "subscriptions: [{topic: sensors/+/temperature, qos: 1}]");

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheRequiredAttributes() {
        MqttTriggerConfig config = config(REQUIRED);

        assertThat(config.url()).isEqualTo("tcp://broker:1883");
        assertThat(config.subscriptions())
                .containsExactly(new MqttTriggerConfig.Subscription("sensors/+/temperature", 1));
        assertThat(config.clientId()).as("stable across restarts").isEqualTo("nucleon-fn-sensors");
        assertThat(config.username()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.cleanSession()).isFalse();
        assertThat(config.keepAlive()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.ordered()).isFalse();
        assertThat(config.deadLetterTopic()).isEmpty();
        assertThat(config.deadLetters()).isFalse();
        assertThat(config.retry()).isEqualTo(RetryPolicy.defaults());
        assertThat(config.maxInFlight()).as("numWorkers 1: at least 32").isEqualTo(32);
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldReadEveryAttribute() {
        MqttTriggerConfig config = config(List.of(
                "url: ssl://broker.example.com:8883",
                "subscriptions:",
                "          - {topic: sensors/#, qos: 0}",
                "          - topic: alarms/+",
                "            qos: 2",
                "          - topic: commands",
                "clientID: billing-1",
                "username: alice",
                "password: s3cret",
                "cleanSession: true",
                "keepAlive: 15s",
                "connectionTimeout: 5s",
                "maxReconnectDelay: 2s",
                "ordered: true",
                "deadLetterTopic: dead/sensors",
                "retry: {maxAttempts: 5, initialBackoff: 50ms, maxBackoff: 2s}",
                "maxInFlight: 7",
                "workerTerminationTimeout: 3s"));

        assertThat(config.url()).isEqualTo("ssl://broker.example.com:8883");
        assertThat(config.subscriptions())
                .containsExactly(
                        new MqttTriggerConfig.Subscription("sensors/#", 0),
                        new MqttTriggerConfig.Subscription("alarms/+", 2),
                        new MqttTriggerConfig.Subscription("commands", 1));
        assertThat(config.topics()).containsExactly("sensors/#", "alarms/+", "commands");
        assertThat(config.qos()).containsExactly(0, 2, 1);
        assertThat(config.clientId()).isEqualTo("billing-1");
        assertThat(config.username()).isEqualTo("alice");
        assertThat(config.password()).isEqualTo("s3cret");
        assertThat(config.cleanSession()).isTrue();
        assertThat(config.keepAlive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.ordered()).isTrue();
        assertThat(config.deadLetterTopic()).isEqualTo("dead/sensors");
        assertThat(config.deadLetters()).isTrue();
        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(
                        5,
                        Duration.ofMillis(50).toNanos(),
                        Duration.ofSeconds(2).toNanos()));
        assertThat(config.maxInFlight()).isEqualTo(7);
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldTakeAUrlWithoutSchemeAsTcpTheWayNuclioWritesIt() {
        assertThat(config(with("url: 10.0.0.3:1883", REQUIRED.get(1))).url()).isEqualTo("tcp://10.0.0.3:1883");
        assertThat(config(with("url: ws://broker:9001/mqtt", REQUIRED.get(1))).url())
                .isEqualTo("ws://broker:9001/mqtt");
    }

    @Test
    void shouldDefaultMaxInFlightToTwiceTheWorkersWhenThatIsMoreThan32() {
        assertThat(config(REQUIRED, 4).maxInFlight()).isEqualTo(32);
        assertThat(config(REQUIRED, 40).maxInFlight()).isEqualTo(80);
    }

    @Test
    void shouldNeverShowThePasswordInToString() {
        MqttTriggerConfig config = config(with(REQUIRED, "username: alice", "password: s3cret"));

        assertThat(config.toString())
                .contains("username=alice")
                .contains("password=****")
                .doesNotContain("s3cret");
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void shouldNameEachMissingRequiredAttribute() {
        assertError(List.of(REQUIRED.get(1)), ATTRIBUTES, "url", "is required");
        assertError(List.of(REQUIRED.get(0)), ATTRIBUTES, "subscriptions", "is required");
    }

    @Test
    void shouldRejectUrlsPahoCannotUse() {
        int line = ATTRIBUTES + 1;
        assertError(
                with("url: http://broker:1883", REQUIRED.get(1)),
                line,
                "url",
                "must start with tcp://, ssl://, ws:// or wss:// (or be host:port), got 'http://broker:1883'");
        assertError(
                with("url: tcp://:1883", REQUIRED.get(1)),
                line,
                "url",
                "must name a host, e.g. tcp://broker:1883, got 'tcp://:1883'");
        assertError(
                with("url: tcp://broker:1883/path", REQUIRED.get(1)),
                line,
                "url",
                "must be tcp://host:port without a path, got 'tcp://broker:1883/path'");
        assertError(
                with("url: \"tcp://broker:1883 x\"", REQUIRED.get(1)),
                line,
                "url",
                "is not a valid URL: Illegal character in authority at index 17: tcp://broker:1883 x");
    }

    @Test
    void shouldRejectCredentialsInTheUrlWithoutRepeatingThem() {
        assertThatThrownBy(() -> config(with("url: tcp://alice:s3cret@broker:1883", REQUIRED.get(1))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + (ATTRIBUTES + 1) + ": " + WHERE
                        + ".url: must not carry credentials; use the username and password attributes");
    }

    @Test
    void shouldRejectBadSubscriptions() {
        int line = ATTRIBUTES + 2;
        assertError(
                with(REQUIRED.get(0), "subscriptions: sensors/#"),
                line,
                "subscriptions",
                "must be a list of {topic, qos}, e.g. [{topic: sensors/+/temperature, qos: 1}]");
        assertError(
                with(REQUIRED.get(0), "subscriptions: []"),
                line,
                "subscriptions",
                "must have at least one subscription");
        assertError(
                with(REQUIRED.get(0), "subscriptions: [sensors/#]"),
                line,
                "subscriptions[0]",
                "must be a mapping {topic, qos}");
        assertError(with(REQUIRED.get(0), "subscriptions: [{qos: 1}]"), line, "subscriptions[0].topic", "is required");
        assertError(
                with(REQUIRED.get(0), "subscriptions: [{topic: a, qos: 3}]"),
                line,
                "subscriptions[0].qos",
                "must be an integer from 0 to 2, got '3'");
        assertError(
                with(REQUIRED.get(0), "subscriptions: [{topic: a, qos: 1, retain: true}]"),
                line,
                "subscriptions[0].retain",
                "unknown field (known fields: qos, topic)");
        assertError(
                with(REQUIRED.get(0), "subscriptions: [{topic: a}, {topic: a, qos: 0}]"),
                line,
                "subscriptions[1].topic",
                "'a' is subscribed twice");
    }

    @Test
    void shouldRejectInvalidTopicFilters() {
        int line = ATTRIBUTES + 2;
        assertThatThrownBy(() -> config(with(REQUIRED.get(0), "subscriptions: [{topic: \"a/#/b\"}]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line " + line + ": " + WHERE
                        + ".subscriptions[0].topic: is not a valid MQTT topic filter: ");
        assertThatThrownBy(() -> config(with(REQUIRED.get(0), "subscriptions: [{topic: \"a/b+\"}]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line " + line + ": " + WHERE
                        + ".subscriptions[0].topic: is not a valid MQTT topic filter: ");
    }

    @Test
    void shouldRejectADeadLetterTopicOneCannotPublishToOrThatComesBack() {
        int line = ATTRIBUTES + 3;
        assertThatThrownBy(() -> config(with(REQUIRED, "deadLetterTopic: dead/#")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line " + line + ": " + WHERE
                        + ".deadLetterTopic: is not a topic one can publish to (no wildcards): ");
        assertError(
                with(REQUIRED, "deadLetterTopic: sensors/dead/temperature"),
                line,
                "deadLetterTopic",
                "'sensors/dead/temperature' matches the subscription 'sensors/+/temperature': "
                        + "dead letters would come back to this trigger");
    }

    @Test
    void shouldRejectAPasswordWithoutUsername() {
        assertError(
                with(REQUIRED, "password: s3cret"),
                ATTRIBUTES + 3,
                "password",
                "needs a username (MQTT sends no password without one)");
    }

    @Test
    void shouldRejectBadDurationsAndBounds() {
        int line = ATTRIBUTES + 3;
        assertError(with(REQUIRED, "keepAlive: 0s"), line, "keepAlive", "must be at least 1s, got 0ms");
        assertError(with(REQUIRED, "keepAlive: 1500ms"), line, "keepAlive", "must be whole seconds, got 1500ms");
        assertError(
                with(REQUIRED, "keepAlive: 19h"), line, "keepAlive", "must be at most 65535s (18h12m15s), got 68400s");
        assertError(
                with(REQUIRED, "connectionTimeout: soon"),
                line,
                "connectionTimeout",
                "must be a duration such as 500ms, 30s, 5m or 1h30m, got 'soon'");
        assertError(
                with(REQUIRED, "maxReconnectDelay: 500ms"),
                line,
                "maxReconnectDelay",
                "must be at least 1s, got 500ms");
        assertError(
                with(REQUIRED, "workerTerminationTimeout: 0s"),
                line,
                "workerTerminationTimeout",
                "must be longer than 0");
        assertError(
                with(REQUIRED, "maxInFlight: 0"), line, "maxInFlight", "must be an integer from 1 to 65535, got '0'");
        assertError(with(REQUIRED, "ordered: yes please"), line, "ordered", "must be true or false, got 'yes please'");
        assertError(
                with(REQUIRED, "retry: {maxAttempts: 0}"),
                line,
                "retry.maxAttempts",
                "must be an integer from 1 to 1000000, got '0'");
    }

    @Test
    void shouldRejectUnknownAttributesListingTheKnownOnes() {
        assertError(
                with(REQUIRED, "topics: [a]"),
                ATTRIBUTES + 3,
                "topics",
                "unknown field (known fields: cleanSession, clientID, connectionTimeout, deadLetterTopic, keepAlive, "
                        + "maxInFlight, maxReconnectDelay, ordered, password, retry, subscriptions, url, username, "
                        + "workerTerminationTimeout)");
    }

    // ---- the trigger and its factory ------------------------------------------------------------------

    @Test
    void shouldRefuseOrderPerTopicTogetherWithABatchSection() {
        List<String> attributes = new java.util.ArrayList<>(REQUIRED);
        attributes.add("ordered: true");
        String yaml =
                yaml(attributes, 1).replace("      attributes:\n", "      batch: {batchSize: 10}\n      attributes:\n");

        assertThatThrownBy(() -> new MqttTriggerFactory().create(context(yaml)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(WHERE + ".ordered: cannot be combined with a batch section");
    }

    @Test
    void shouldCreateTheTriggerThroughItsFactory() {
        MqttTriggerFactory factory = new MqttTriggerFactory();
        assertThat(factory.kind()).isEqualTo("mqtt");
        assertThat(factory.supportsBatches()).isTrue();

        Trigger trigger = factory.create(context(yaml(REQUIRED, 1)));

        assertThat(trigger.name()).isEqualTo("sensors");
        assertThat(trigger.kind()).isEqualTo("mqtt");
        assertThat(trigger.problem()).isEmpty();
        trigger.close(); // never started: nothing to stop
    }

    @Test
    void shouldFailTheFactoryOnBadAttributes() {
        assertThatThrownBy(() -> new MqttTriggerFactory().create(context(yaml(List.of(REQUIRED.get(1)), 1))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + ATTRIBUTES + ": " + WHERE + ".url: is required");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static List<String> with(List<String> base, String... extra) {
        List<String> lines = new ArrayList<>(base);
        lines.addAll(List.of(extra));
        return lines;
    }

    private static List<String> with(String... lines) {
        return List.of(lines);
    }

    private static String yaml(List<String> attributes, int numWorkers) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    sensors:
                      kind: mqtt
                """);
        yaml.append("      numWorkers: ").append(numWorkers).append('\n');
        yaml.append("      attributes:\n");
        attributes.forEach(line -> yaml.append("        ").append(line).append('\n'));
        return yaml.toString();
    }

    private static TriggerConfig trigger(String yaml) {
        return FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .triggers()
                .get("sensors");
    }

    static MqttTriggerConfig config(List<String> attributes) {
        return config(attributes, 1);
    }

    private static MqttTriggerConfig config(List<String> attributes, int numWorkers) {
        TriggerConfig trigger = trigger(yaml(attributes, numWorkers));
        return MqttTriggerConfig.from(trigger.attributes(), "fn", trigger.name(), trigger.numWorkers());
    }

    /** The factory reads the config; nothing connects until start. */
    private static TriggerContext context(String yaml) {
        return new TriggerContext(trigger(yaml), "fn", null, new SimpleMeterRegistry(), Duration.ofSeconds(5));
    }

    private static void assertError(List<String> attributes, int line, String field, String problem) {
        assertThatThrownBy(() -> config(attributes))
                .as("%s", attributes)
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + WHERE + "." + field + ": " + problem);
    }
}
