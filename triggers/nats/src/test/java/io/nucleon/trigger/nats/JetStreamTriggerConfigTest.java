package io.nucleon.trigger.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.ConfigException;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.stream.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The natsjetstream trigger's attributes, read from a function.yaml: defaults, forms and errors. */
class JetStreamTriggerConfigTest {

    private static final List<String> REQUIRED =
            List.of("url: nats://127.0.0.1:4222", "stream: ORDERS", "consumer: billing");

    @Test
    void shouldFillDefaultsForEverythingButTheRequiredAttributes() {
        JetStreamTriggerConfig config = config(1, REQUIRED);

        assertThat(config.connection().servers()).containsExactly("nats://127.0.0.1:4222");
        assertThat(config.stream()).isEqualTo("ORDERS");
        assertThat(config.consumer()).isEqualTo("billing");
        assertThat(config.filterSubject()).isEmpty();
        assertThat(config.deliverPolicy()).isEqualTo("all");
        assertThat(config.ackWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxDeliver()).isEqualTo(-1);
        assertThat(config.maxInFlight()).isEqualTo(16);
        assertThat(config.maxAckPending()).as("follows maxInFlight").isEqualTo(16);
        assertThat(config.ordered()).isFalse();
        assertThat(config.retry()).isEqualTo(RetryPolicy.defaults());
        assertThat(config.deadLetterSubject()).isEmpty();
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldDefaultMaxAckPendingToMaxInFlight() {
        assertThat(config(20, REQUIRED).maxAckPending()).isEqualTo(40);
        assertThat(config(1, with("maxInFlight: 5")).maxAckPending()).isEqualTo(5);
    }

    @Test
    void shouldReadEveryAttribute() {
        List<String> lines = new ArrayList<>(REQUIRED);
        lines.addAll(List.of(
                "token: s3cret",
                "filterSubject: orders.eu.*",
                "deliverPolicy: new",
                "ackWait: 5s",
                "maxDeliver: 10",
                "maxAckPending: 300",
                "ordered: true",
                "retry: {maxAttempts: 4, initialBackoff: 10ms, maxBackoff: 2s}",
                "maxInFlight: 32",
                "deadLetterSubject: orders.dead",
                "workerTerminationTimeout: 4s"));
        JetStreamTriggerConfig config = config(2, lines);

        assertThat(config.connection().token()).isEqualTo("s3cret");
        assertThat(config.filterSubject()).isEqualTo("orders.eu.*");
        assertThat(config.deliverPolicy()).isEqualTo("new");
        assertThat(config.ackWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxDeliver()).isEqualTo(10);
        assertThat(config.maxAckPending()).isEqualTo(300);
        assertThat(config.ordered()).isTrue();
        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(
                        4,
                        Duration.ofMillis(10).toNanos(),
                        Duration.ofSeconds(2).toNanos()));
        assertThat(config.maxInFlight()).isEqualTo(32);
        assertThat(config.deadLetterSubject()).isEqualTo("orders.dead");
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void shouldRequireStreamAndConsumerWithValidNames() {
        assertError(List.of("url: a:4222", "consumer: c"), 9, "", "stream: is required");
        assertError(List.of("url: a:4222", "stream: S"), 9, "", "consumer: is required");
        assertError(
                List.of("url: a:4222", "stream: orders.eu", "consumer: c"),
                11,
                "stream",
                "'orders.eu' must not contain . * > / or \\ (JetStream names)");
        assertError(
                List.of("url: a:4222", "stream: S", "consumer: 'bill ing'"),
                12,
                "consumer",
                "'bill ing' must not contain whitespace");
        assertError(List.of("url: a:4222", "stream: ''", "consumer: c"), 11, "stream", "must not be empty");
    }

    @Test
    void shouldRejectAMaxDeliverTheServerWouldGiveUpAtBeforeTheDeadLetter() {
        assertError(
                with("deadLetterSubject: dead", "maxDeliver: 3"),
                14,
                "maxDeliver",
                "(3) must be greater than retry.maxAttempts (3): the trigger sends a message to deadLetterSubject "
                        + "after maxAttempts deliveries, and the server must not give up on it first; leave "
                        + "maxDeliver out (no limit) or raise it");
        assertThat(config(1, with("deadLetterSubject: dead", "maxDeliver: 4")).maxDeliver())
                .isEqualTo(4);
        assertThat(config(1, with("maxDeliver: 2")).maxDeliver())
                .as("without a dead-letter subject the server may give up: a choice, not a mistake")
                .isEqualTo(2);
        assertError(with("maxDeliver: 0"), 13, "maxDeliver", "must be -1 (no limit) or at least 1, got 0");
    }

    @Test
    void shouldRejectInvalidConsumerSettings() {
        assertError(with("deliverPolicy: oldest"), 13, "deliverPolicy", "must be one of all, new, last, got 'oldest'");
        assertError(with("ackWait: 500ms"), 13, "ackWait", "must be at least 1s, got 500ms");
        assertError(with("ordered: yes"), 13, "ordered", "must be true or false, got 'yes'");
        assertError(with("maxAckPending: 0"), 13, "maxAckPending", "must be an integer from 1 to 1000000, got '0'");
        assertError(
                with("filterSubject: 'a..b'"),
                13,
                "filterSubject",
                "'a..b' is not a valid subject: empty token (two dots, or a dot at an end)");
    }

    @Test
    void shouldRejectCoreOnlyAttributes() {
        assertThatThrownBy(() -> config(1, with("queueName: workers")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "function.yaml line 13: " + ConfigYaml.WHERE + ".queueName: unknown field (known fields: ");
    }

    private static List<String> with(String... more) {
        List<String> lines = new ArrayList<>(REQUIRED);
        lines.addAll(List.of(more));
        return lines;
    }

    private static JetStreamTriggerConfig config(int numWorkers, List<String> attributes) {
        TriggerConfig trigger = ConfigYaml.trigger(JetStreamTriggerFactory.KIND, numWorkers, attributes);
        return JetStreamTriggerConfig.from(trigger.attributes(), trigger.numWorkers());
    }

    private static void assertError(List<String> attributes, int line, String field, String problem) {
        String where = field.isEmpty() ? ConfigYaml.WHERE : ConfigYaml.WHERE + "." + field;
        assertThatThrownBy(() -> config(1, attributes))
                .as("%s", attributes)
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + where + (field.isEmpty() ? "." : ": ") + problem);
    }
}
