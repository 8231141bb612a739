package io.nucleon.trigger.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.ConfigException;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.spi.TriggerFactory;
import io.nucleon.runtime.stream.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The nats trigger's attributes, read from a function.yaml: defaults, forms and errors. */
class NatsTriggerConfigTest {

    private static final List<String> REQUIRED = List.of("url: nats://127.0.0.1:4222", "topic: orders.*");

    @Test
    void shouldFillDefaultsForEverythingButTheRequiredAttributes() {
        NatsTriggerConfig config = config(1, REQUIRED);

        assertThat(config.connection().servers()).containsExactly("nats://127.0.0.1:4222");
        assertThat(config.connection().username()).isEmpty();
        assertThat(config.connection().token()).isEmpty();
        assertThat(config.connection().reconnectWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.topic()).isEqualTo("orders.*");
        assertThat(config.queueName()).isEmpty();
        assertThat(config.queueGroup()).isFalse();
        assertThat(config.retry()).isEqualTo(RetryPolicy.defaults());
        assertThat(config.maxInFlight()).isEqualTo(16);
        assertThat(config.pendingMessageLimit()).isEqualTo(512 * 1024);
        assertThat(config.pendingByteLimit()).isEqualTo(64L * 1024 * 1024);
        assertThat(config.deadLetterSubject()).isEmpty();
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldDefaultMaxInFlightToTwiceTheWorkersButAtLeastSixteen() {
        assertThat(config(4, REQUIRED).maxInFlight()).isEqualTo(16);
        assertThat(config(20, REQUIRED).maxInFlight()).isEqualTo(40);
    }

    @Test
    void shouldReadEveryAttribute() {
        NatsTriggerConfig config = config(
                2,
                List.of(
                        "url: nats://a:4222, tls://b:4223,c:4224",
                        "username: alice",
                        "password: secret",
                        "reconnectWait: 250ms",
                        "topic: orders.>",
                        "queueName: order-workers",
                        "retry: {maxAttempts: 5, initialBackoff: 10ms, maxBackoff: 1s}",
                        "maxInFlight: 7",
                        "pendingMessageLimit: 100",
                        "pendingByteLimit: 1Mi",
                        "deadLetterSubject: orders.dead",
                        "workerTerminationTimeout: 3s"));

        assertThat(config.connection().servers()).containsExactly("nats://a:4222", "tls://b:4223", "nats://c:4224");
        assertThat(config.connection().username()).isEqualTo("alice");
        assertThat(config.connection().password()).isEqualTo("secret");
        assertThat(config.connection().reconnectWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.topic()).isEqualTo("orders.>");
        assertThat(config.queueName()).isEqualTo("order-workers");
        assertThat(config.queueGroup()).isTrue();
        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(
                        5,
                        Duration.ofMillis(10).toNanos(),
                        Duration.ofSeconds(1).toNanos()));
        assertThat(config.maxInFlight()).isEqualTo(7);
        assertThat(config.pendingMessageLimit()).isEqualTo(100);
        assertThat(config.pendingByteLimit()).isEqualTo(1024 * 1024);
        assertThat(config.deadLetterSubject()).isEqualTo("orders.dead");
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldAcceptTheServersAsAList() {
        NatsTriggerConfig config = config(1, List.of("url: [nats://a:4222, b:4223]", "topic: orders"));

        assertThat(config.connection().servers()).containsExactly("nats://a:4222", "nats://b:4223");
    }

    @Test
    void shouldAcceptATokenInsteadOfAUser() {
        NatsTriggerConfig config = config(1, with("token: s3cret"));

        assertThat(config.connection().token()).isEqualTo("s3cret");
    }

    @Test
    void shouldNeverShowCredentials() {
        NatsTriggerConfig config = config(1, List.of("url: nats://bob:hunter2@a:4222", "topic: t", "token: tok3n"));

        assertThat(config.connection().describeServers()).isEqualTo("nats://***@a:4222");
        assertThat(config.connection().toString()).doesNotContain("hunter2").doesNotContain("tok3n");
        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("tok3n");
    }

    @Test
    void shouldRejectMissingOrInvalidUrls() {
        assertError(List.of("topic: orders"), 9, "", "url: is required");
        assertError(
                List.of("url: http://a:4222", "topic: t"),
                10,
                "url",
                "'http://a:4222' must start with nats:// or tls://");
        assertError(
                List.of("url: ' , '", "topic: t"),
                10,
                "url",
                "must name at least one server, e.g. nats://127.0.0.1:4222");
        assertError(
                List.of("url: 'nats://bob:pw@:4222'", "topic: t"),
                10,
                "url",
                "'nats://***@:4222' has no host (expected nats://host:port)");
    }

    @Test
    void shouldRejectInvalidSubjects() {
        assertError(List.of("url: a:4222"), 9, "", "topic: is required");
        assertError(
                List.of("url: a:4222", "topic: 'orders..eu'"),
                11,
                "topic",
                "'orders..eu' is not a valid subject: empty token (two dots, or a dot at an end)");
        assertError(
                List.of("url: a:4222", "topic: 'orders eu'"),
                11,
                "topic",
                "'orders eu' is not a valid subject: it contains whitespace");
        assertError(
                List.of("url: a:4222", "topic: 'orders.>.eu'"),
                11,
                "topic",
                "'orders.>.eu' is not a valid subject: '>' must be the last token");
        assertError(
                with("deadLetterSubject: 'dead.*'"),
                12,
                "deadLetterSubject",
                "'dead.*' must not contain wildcards (* or >): messages are published to it");
    }

    @Test
    void shouldRejectBadCredentials() {
        assertError(with("password: pw"), 12, "password", "needs 'username' as well");
        assertError(
                List.of("url: a:4222", "topic: t", "username: u", "token: tk"),
                13,
                "token",
                "cannot be combined with 'username'/'password'; use one of them");
    }

    @Test
    void shouldRejectATemplatedQueueName() {
        assertError(
                with("queueName: '{{.Name}}-workers'"),
                12,
                "queueName",
                "Go templates are not supported; write the queue group's name, e.g. orders-workers");
        assertError(with("queueName: 'my workers'"), 12, "queueName", "'my workers' must not contain whitespace");
    }

    @Test
    void shouldRejectOutOfRangeNumbersAndDurations() {
        assertError(with("maxInFlight: 0"), 12, "maxInFlight", "must be an integer from 1 to 100000, got '0'");
        assertError(
                with("pendingMessageLimit: 0"),
                12,
                "pendingMessageLimit",
                "must be an integer from 1 to 2147483647, got '0'");
        assertError(
                with("pendingByteLimit: 10"),
                12,
                "pendingByteLimit",
                "must be a size from 1024 to 1099511627776 bytes (e.g. 4Mi), got '10'");
        assertError(with("workerTerminationTimeout: 0s"), 12, "workerTerminationTimeout", "must be longer than 0");
        assertError(with("reconnectWait: 0s"), 12, "reconnectWait", "must be longer than 0");
        assertError(
                with("retry: {initialBackoff: 2s, maxBackoff: 1s}"),
                12,
                "retry.maxBackoff",
                "maxBackoff (1000ms) must not be shorter than initialBackoff (2000ms)");
    }

    @Test
    void shouldRejectUnknownAttributesListingTheKnownOnes() {
        assertThatThrownBy(() -> config(1, with("queue: workers")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "function.yaml line 12: " + ConfigYaml.WHERE + ".queue: unknown field (known fields: ")
                .hasMessageContaining("queueName")
                .hasMessageContaining("pendingMessageLimit");
    }

    @Test
    void shouldFindBothKindsThroughTheServiceLoader() {
        List<String> kinds = new ArrayList<>();
        ServiceLoader.load(TriggerFactory.class).forEach(factory -> kinds.add(factory.kind()));

        assertThat(kinds).contains(NatsTriggerFactory.KIND, JetStreamTriggerFactory.KIND);
    }

    private static List<String> with(String line) {
        List<String> lines = new ArrayList<>(REQUIRED);
        lines.add(line);
        return lines;
    }

    private static NatsTriggerConfig config(int numWorkers, List<String> attributes) {
        TriggerConfig trigger = ConfigYaml.trigger(NatsTriggerFactory.KIND, numWorkers, attributes);
        return NatsTriggerConfig.from(trigger.attributes(), trigger.numWorkers());
    }

    /** @param field the attribute's path below attributes ("" for the attributes mapping itself) */
    private static void assertError(List<String> attributes, int line, String field, String problem) {
        String where = field.isEmpty() ? ConfigYaml.WHERE : ConfigYaml.WHERE + "." + field;
        assertThatThrownBy(() -> config(1, attributes))
                .as("%s", attributes)
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + where + (field.isEmpty() ? "." : ": ") + problem);
    }
}
