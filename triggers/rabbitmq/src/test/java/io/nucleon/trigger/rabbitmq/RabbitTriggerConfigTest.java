package io.nucleon.trigger.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.stream.RetryPolicy;
import io.nucleon.support.rabbitmq.AmqpUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rabbit-mq trigger's attributes, read from a function.yaml: defaults, forms, the URL and errors. */
class RabbitTriggerConfigTest {

    /** Line of {@code attributes:} in {@link #yaml}; attribute {@code i} (0-based) is on line {@code ATTRIBUTES + 1 + i}. */
    private static final int ATTRIBUTES = 9;

    private static final String WHERE = "spec.triggers.orders.attributes";
    private static final List<String> REQUIRED = List.of("url: amqp://guest:guest@127.0.0.1:5672", "queueName: orders");

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheUrlAndTheQueue() {
        RabbitTriggerConfig config = config(REQUIRED, 1);

        assertThat(config.url()).isEqualTo(new AmqpUrl(false, "127.0.0.1", 5672, "guest", "guest", "/"));
        assertThat(config.queueName()).isEqualTo("orders");
        assertThat(config.exchangeName()).isEmpty();
        assertThat(config.exchangeType()).isEqualTo("topic");
        assertThat(config.topics()).isEmpty();
        assertThat(config.declare()).isTrue();
        assertThat(config.durableExchange()).isTrue();
        assertThat(config.durableQueue()).isTrue();
        assertThat(config.queueType()).isEmpty();
        assertThat(config.maxInFlight()).isEqualTo(16);
        assertThat(config.prefetchCount()).isEqualTo(16);
        assertThat(config.retry()).isEqualTo(RetryPolicy.defaults());
        assertThat(config.deadLetters()).isFalse();
        assertThat(config.deadLetterRoutingKey()).isEmpty();
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.reconnectInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxReconnectInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldDefaultMaxInFlightAndPrefetchToTwiceTheWorkers() {
        RabbitTriggerConfig config = config(REQUIRED, 20);

        assertThat(config.maxInFlight()).isEqualTo(40);
        assertThat(config.prefetchCount()).isEqualTo(40);
        assertThat(config(with("maxInFlight: 5"), 20).prefetchCount()).isEqualTo(5);
    }

    @Test
    void shouldReadEveryAttribute() {
        RabbitTriggerConfig config = config(
                List.of(
                        "url: amqps://app:s3cret@rabbit.example.com/prod",
                        "exchangeName: events",
                        "exchangeType: direct",
                        "queueName: orders",
                        "topics: [orders.created, orders.paid]",
                        "durableExchange: false",
                        "durableQueue: false",
                        "queueType: quorum",
                        "prefetchCount: 8",
                        "maxInFlight: 12",
                        "retry: {maxAttempts: 5, initialBackoff: 50ms, maxBackoff: 2s}",
                        "deadLetterExchange: orders-dlx",
                        "deadLetterRoutingKey: failed",
                        "workerTerminationTimeout: 30s",
                        "reconnectInterval: 200ms",
                        "maxReconnectInterval: 5s",
                        "reconnectDuration: 5m"),
                4);

        assertThat(config.url()).isEqualTo(new AmqpUrl(true, "rabbit.example.com", 5671, "app", "s3cret", "prod"));
        assertThat(config.exchangeName()).isEqualTo("events");
        assertThat(config.exchangeType()).isEqualTo("direct");
        assertThat(config.queueName()).isEqualTo("orders");
        assertThat(config.topics()).containsExactly("orders.created", "orders.paid");
        assertThat(config.durableExchange()).isFalse();
        assertThat(config.durableQueue()).isFalse();
        assertThat(config.queueType()).isEqualTo("quorum");
        assertThat(config.prefetchCount()).isEqualTo(8);
        assertThat(config.maxInFlight()).isEqualTo(12);
        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(
                        5,
                        Duration.ofMillis(50).toNanos(),
                        Duration.ofSeconds(2).toNanos()));
        assertThat(config.deadLetters()).isTrue();
        assertThat(config.deadLetterExchange()).isEqualTo("orders-dlx");
        assertThat(config.deadLetterRoutingKey()).isEqualTo("failed");
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.reconnectInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.maxReconnectInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldNameTheQueueAfterFunctionAndTriggerWhenOnlyTopicsAreGiven() {
        RabbitTriggerConfig config =
                config(List.of("url: amqp://127.0.0.1", "exchangeName: events", "topics: orders.*, refunds.#"), 1);

        assertThat(config.queueName()).isEqualTo("nucleon-fn-orders");
        assertThat(config.topics()).containsExactly("orders.*", "refunds.#");
    }

    @Test
    void shouldBindAFanoutExchangeWithoutTopics() {
        RabbitTriggerConfig config = config(with("exchangeName: broadcast", "exchangeType: fanout"), 1);

        assertThat(config.exchangeName()).isEqualTo("broadcast");
        assertThat(config.topics()).isEmpty();
    }

    @Test
    void shouldConsumeAQueueThatExistsWithoutDeclaringIt() {
        RabbitTriggerConfig config = config(with("declare: false", "exchangeName: events"), 1);

        assertThat(config.declare()).isFalse();
        assertThat(config.topics()).isEmpty();
    }

    // ---- the URL --------------------------------------------------------------------------------------

    // parsing and masking the URL itself: AmqpUrlTest in nucleon-support-rabbitmq

    @Test
    void shouldNeverShowThePasswordOfABadUrl() {
        for (String bad : List.of(
                "http://app:s3cret@rabbit",
                "amqp://app:s3cret@rabbit/a/b",
                "amqp://app:s3cret@rabbit?heartbeat=5",
                "amqp://app:s3cret@rab bit",
                "amqp://app:s3cret@")) {
            assertThatThrownBy(() -> config(List.of("url: " + bad, "queueName: q"), 1))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("function.yaml line 10: " + WHERE + ".url: ")
                    .hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void shouldConfigureTheClientFromTheUrlAndNeverRecoverOnItsOwn() {
        ConnectionFactory factory = RabbitTrigger.connectionFactory(
                config(List.of("url: amqp://app:s3cret@rabbit:5673/prod", "queueName: q"), 1));

        assertThat(factory.getHost()).isEqualTo("rabbit");
        assertThat(factory.getPort()).isEqualTo(5673);
        assertThat(factory.getUsername()).isEqualTo("app");
        assertThat(factory.getPassword()).isEqualTo("s3cret");
        assertThat(factory.getVirtualHost()).isEqualTo("prod");
        assertThat(factory.isAutomaticRecoveryEnabled()).isFalse();
        assertThat(factory.getRequestedHeartbeat()).isEqualTo(RabbitTrigger.HEARTBEAT_SECONDS);
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void shouldRequireTheUrl() {
        assertThatThrownBy(() -> config(List.of("queueName: q"), 1))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 9: " + WHERE + ".url: is required");
        assertError(
                List.of("url: http://h", "queueName: q"), 10, "url", "'http://h' must start with amqp:// or amqps://");
        assertError(
                List.of("url: amqp://h/a/b", "queueName: q"),
                10,
                "url",
                "'amqp://h/a/b': the vhost must be one path segment; write a '/' inside a vhost name as %2F");
    }

    @Test
    void shouldRequireAQueueOrTopics() {
        assertThatThrownBy(() -> config(List.of("url: amqp://h"), 1))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + ATTRIBUTES + ": " + WHERE + ": queueName or topics is required "
                        + "(queueName: the queue to consume; topics with exchangeName: routing keys that bind a queue "
                        + "of the trigger's own to the exchange)");
    }

    @Test
    void shouldRejectTopicsWithoutAnExchangeOrWithoutDeclaring() {
        assertError(
                with("topics: [a]"), 12, "topics", "needs exchangeName, the exchange whose messages the topics select");
        assertError(
                with("exchangeName: e", "declare: false", "topics: [a]"),
                14,
                "topics",
                "binds the queue to the exchange, which needs declare: true; remove topics when the bindings exist");
        assertError(with("exchangeName: e", "topics: []"), 13, "topics", "must name at least one routing key");
    }

    @Test
    void shouldRejectAnExchangeThatRoutesByKeyWithoutTopics() {
        assertError(
                with("exchangeName: events"),
                12,
                "exchangeName",
                "needs topics, the routing keys that bind the queue to this topic exchange ('#' binds every key of "
                        + "a topic exchange), or declare: false when the bindings exist");
    }

    @Test
    void shouldRejectBadValuesNamingTheAttribute() {
        assertError(
                with("exchangeType: x-delayed"),
                12,
                "exchangeType",
                "must be one of direct, fanout, topic, headers, got 'x-delayed'");
        assertError(with("queueType: stream"), 12, "queueType", "must be one of classic, quorum, got 'stream'");
        assertError(
                with("prefetchCount: 0"),
                12,
                "prefetchCount",
                "must be from 1 to 65535; 0 (Nuclio's default, no limit) would let the broker push the whole queue "
                        + "into the processor's memory");
        assertError(
                with("prefetchCount: 70000"), 12, "prefetchCount", "must be an integer from 1 to 65535, got '70000'");
        assertError(with("maxInFlight: 0"), 12, "maxInFlight", "must be an integer from 1 to 100000, got '0'");
        assertError(with("declare: maybe"), 12, "declare", "must be true or false, got 'maybe'");
        assertError(with("deadLetterRoutingKey: failed"), 12, "deadLetterRoutingKey", "needs deadLetterExchange");
        assertError(with("reconnectInterval: 0s"), 12, "reconnectInterval", "must be longer than 0");
        assertError(
                with("reconnectInterval: 10s", "maxReconnectInterval: 1s"),
                13,
                "maxReconnectInterval",
                "maxReconnectInterval (1000ms) must not be shorter than reconnectInterval (10000ms)");
        assertError(
                with("retry: {maxAttempts: 0}"),
                12,
                "retry.maxAttempts",
                "must be an integer from 1 to 1000000, got '0'");
    }

    @Test
    void shouldRejectUnknownAttributesAndNuclioErrorHandling() {
        assertThatThrownBy(() -> config(with("exchange: e"), 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line 12: " + WHERE + ".exchange: unknown field (known fields: ");
        assertError(
                with("onError: nack"),
                12,
                "onError",
                "is Nuclio's and not supported: a failed message is retried (retry) and then rejected to "
                        + "deadLetterExchange, or retried until it succeeds without one; remove it");
    }

    @Test
    void shouldCreateATriggerOfBothKindNamesWithoutConnecting() {
        RabbitTriggerFactory factory = new RabbitTriggerFactory();
        assertThat(factory.kind()).isEqualTo("rabbit-mq");
        assertThat(factory.aliases()).containsExactly("rabbitmq");

        Trigger trigger = factory.create(context(yaml(REQUIRED, "rabbitmq")));

        assertThat(trigger.name()).isEqualTo("orders");
        assertThat(trigger.kind()).isEqualTo("rabbit-mq");
        assertThat(trigger.problem()).isEmpty();
        trigger.close(); // never started: nothing to stop
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** @return the required attributes plus {@code extra}, one per line */
    private static List<String> with(String... extra) {
        List<String> lines = new ArrayList<>(REQUIRED);
        lines.addAll(List.of(extra));
        return lines;
    }

    private static String yaml(List<String> attributes, String kind) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    orders:
                      kind: %s
                      numWorkers: 1
                """.formatted(kind));
        yaml.append("      attributes:\n");
        attributes.forEach(line -> yaml.append("        ").append(line).append('\n'));
        return yaml.toString();
    }

    private static TriggerConfig trigger(String yaml) {
        return FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .triggers()
                .get("orders");
    }

    private static RabbitTriggerConfig config(List<String> attributes, int numWorkers) {
        TriggerConfig trigger = trigger(yaml(attributes, "rabbit-mq"));
        return RabbitTriggerConfig.from(trigger.attributes(), "fn", trigger.name(), numWorkers);
    }

    /** The constructor reads the config and registers metrics; it does not touch the dispatcher until start. */
    private static TriggerContext context(String yaml) {
        return new TriggerContext(trigger(yaml), "fn", null, new SimpleMeterRegistry(), Duration.ofSeconds(5));
    }

    private static void assertError(List<String> attributes, int line, String field, String problem) {
        assertThatThrownBy(() -> config(attributes, 1))
                .as("%s", attributes)
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + WHERE + "." + field + ": " + problem);
    }
}
