package io.nucleon.trigger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.BatchConfig;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.stream.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kafka-cluster trigger's attributes, read from a function.yaml: defaults, forms, security and errors. */
class KafkaTriggerConfigTest {

    /** Line of {@code attributes:} in {@link #yaml}; attribute {@code i} (0-based) is on line {@code ATTRIBUTES + 1 + i}. */
    private static final int ATTRIBUTES = 8;

    private static final String WHERE = "spec.triggers.orders.attributes";
    private static final List<String> REQUIRED =
            List.of("brokers: [kafka-0:9092]", "topics: [orders]", "consumerGroup: billing");

    @TempDir
    Path dir;

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheRequiredAttributes() {
        KafkaTriggerConfig config = config(REQUIRED);

        assertThat(config.brokers()).containsExactly("kafka-0:9092");
        assertThat(config.topics()).containsExactly("orders");
        assertThat(config.consumerGroup()).isEqualTo("billing");
        assertThat(config.initialOffset()).isEqualTo("latest");
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.maxPollRecords()).isEqualTo(500);
        assertThat(config.workerAllocationMode()).isEqualTo("pool");
        assertThat(config.retry()).isEqualTo(RetryPolicy.defaults());
        assertThat(config.deadLetterTopic()).isEmpty();
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.batch()).isEmpty();
        assertThat(config.batched()).isFalse();
        assertThat(config.security()).isEmpty();
        assertThat(config.consumerProperties()).isEmpty();
    }

    @Test
    void shouldReadEveryAttributeAndTheBatchSection() {
        KafkaTriggerConfig config = config(
                List.of(
                        "brokers: [kafka-0:9092, kafka-1:9092]",
                        "topics: [orders, refunds]",
                        "consumerGroup: billing",
                        "initialOffset: earliest",
                        "sessionTimeout: 20s",
                        "heartbeatInterval: 2s",
                        "maxPollRecords: 50",
                        "workerAllocationMode: static",
                        "retry: {maxAttempts: 5, initialBackoff: 50ms, maxBackoff: 2s}",
                        "deadLetterTopic: orders-dlq",
                        "workerTerminationTimeout: 30s",
                        "commitInterval: 250ms",
                        "consumerProperties: {fetch.min.bytes: \"1024\"}"),
                "      batch: {batchSize: 64, timeout: 50ms}");

        assertThat(config.brokers()).containsExactly("kafka-0:9092", "kafka-1:9092");
        assertThat(config.topics()).containsExactly("orders", "refunds");
        assertThat(config.initialOffset()).isEqualTo("earliest");
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxPollRecords()).isEqualTo(50);
        assertThat(config.workerAllocationMode()).isEqualTo("static");
        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(
                        5,
                        Duration.ofMillis(50).toNanos(),
                        Duration.ofSeconds(2).toNanos()));
        assertThat(config.deadLetterTopic()).isEqualTo("orders-dlq");
        assertThat(config.workerTerminationTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.consumerProperties()).containsExactly(Map.entry("fetch.min.bytes", "1024"));
        assertThat(config.batch()).contains(new BatchConfig(64, Duration.ofMillis(50)));
        assertThat(config.batched()).isTrue();
    }

    @Test
    void shouldAcceptBrokersAndTopicsAsACommaSeparatedString() {
        KafkaTriggerConfig config = config(List.of(
                "brokers: \"kafka-0:9092, kafka-1:9092,,\"", "topics: orders,refunds", "consumerGroup: billing"));

        assertThat(config.brokers()).containsExactly("kafka-0:9092", "kafka-1:9092");
        assertThat(config.topics()).containsExactly("orders", "refunds");
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void shouldNameEachMissingRequiredAttributeAtTheAttributesLine() {
        assertError(List.of("topics: [orders]", "consumerGroup: billing"), ATTRIBUTES, "brokers", "is required");
        assertError(List.of("brokers: [kafka-0:9092]", "consumerGroup: billing"), ATTRIBUTES, "topics", "is required");
        assertError(List.of("brokers: [kafka-0:9092]", "topics: [orders]"), ATTRIBUTES, "consumerGroup", "is required");
    }

    @Test
    void shouldRejectAnEmptyBrokerOrTopicList() {
        assertError(
                List.of("brokers: []", "topics: [orders]", "consumerGroup: billing"),
                ATTRIBUTES + 1,
                "brokers",
                "must name at least one");
        assertError(
                List.of("brokers: [kafka-0:9092]", "topics: \" , \"", "consumerGroup: billing"),
                ATTRIBUTES + 2,
                "topics",
                "must name at least one");
    }

    @Test
    void shouldRejectAnUnknownInitialOffset() {
        assertError(
                with("initialOffset: middle"),
                ATTRIBUTES + 4,
                "initialOffset",
                "must be one of earliest, latest, got 'middle'");
    }

    @Test
    void shouldRejectAHeartbeatIntervalThatIsNotShorterThanTheSessionTimeout() {
        assertError(
                with("sessionTimeout: 5s", "heartbeatInterval: 5s"),
                ATTRIBUTES + 5,
                "heartbeatInterval",
                "heartbeatInterval (5000ms) must be shorter than sessionTimeout (5000ms)");
    }

    @Test
    void shouldExplainASessionTimeoutBelowTheDefaultHeartbeatInterval() {
        assertThatThrownBy(() -> config(with("sessionTimeout: 2s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("shorter than sessionTimeout")
                .hasMessageNotContaining("is required");
    }

    @Test
    void shouldRejectZeroDurations() {
        assertError(with("commitInterval: 0s"), ATTRIBUTES + 4, "commitInterval", "must be longer than 0");
        assertError(
                with("workerTerminationTimeout: 0ms"),
                ATTRIBUTES + 4,
                "workerTerminationTimeout",
                "must be longer than 0");
    }

    @Test
    void shouldListTheKnownAttributesForAnUnknownOne() {
        assertError(
                with("brokerz: [kafka-0:9092]"),
                ATTRIBUTES + 4,
                "brokerz",
                "unknown field (known fields: brokers, commitInterval, consumerGroup, consumerProperties, "
                        + "deadLetterTopic, heartbeatInterval, initialOffset, maxBufferedRecords, maxPollRecords, retry, sasl, "
                        + "sessionTimeout, tls, topics, workerAllocationMode, workerTerminationTimeout)");
    }

    @Test
    void shouldRejectAMaxPollRecordsOutOfRange() {
        assertError(
                with("maxPollRecords: 0"),
                ATTRIBUTES + 4,
                "maxPollRecords",
                "must be an integer from 1 to 100000, got '0'");
    }

    // ---- retry ----------------------------------------------------------------------------------------

    @Test
    void shouldFillRetryDefaultsForFieldsLeftOut() {
        KafkaTriggerConfig config = config(with("retry: {maxAttempts: 7}"));

        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(
                        7, RetryPolicy.DEFAULT_INITIAL_BACKOFF.toNanos(), RetryPolicy.DEFAULT_MAX_BACKOFF.toNanos()));
        assertThat(config.retry().backoffNanos(1))
                .isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(config.retry().backoffNanos(3))
                .isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(config.retry().backoffNanos(30))
                .isEqualTo(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void shouldRejectBadRetryFields() {
        int line = ATTRIBUTES + 4;
        assertError(
                with("retry: {maxAttempts: 0}"),
                line,
                "retry.maxAttempts",
                "must be an integer from 1 to 1000000, got '0'");
        assertError(
                with("retry: {initialBackoff: 2s, maxBackoff: 1s}"),
                line,
                "retry.maxBackoff",
                "maxBackoff (1000ms) must not be shorter than initialBackoff (2000ms)");
        assertError(
                with("retry: {tries: 3}"),
                line,
                "retry.tries",
                "unknown field (known fields: initialBackoff, maxAttempts, maxBackoff)");
        assertError(
                with("retry: {initialBackoff: soon}"),
                line,
                "retry.initialBackoff",
                "must be a duration such as 500ms, 30s, 5m or 1h30m, got 'soon'");
        assertError(with("retry: 3"), line, "retry", "must be a mapping (key: value lines), got '3'");
    }

    @Test
    void shouldExplainAnInitialBackoffAboveTheDefaultMaxBackoff() {
        assertThatThrownBy(() -> config(with("retry: {initialBackoff: 20s}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("initialBackoff")
                .hasMessageNotContaining("is required");
    }

    // ---- security -------------------------------------------------------------------------------------

    @Test
    void shouldTurnSaslIntoSaslPlaintextWithAJaasConfigThatEscapesQuotes() {
        KafkaTriggerConfig config = config(with("sasl: {enable: true, user: alice, password: 'p\"w\\d'}"));

        assertThat(config.security())
                .containsExactly(
                        Map.entry("sasl.mechanism", "PLAIN"),
                        Map.entry(
                                "sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                        + "username=\"alice\" password=\"p\\\"w\\\\d\";"),
                        Map.entry("security.protocol", "SASL_PLAINTEXT"));
    }

    @Test
    void shouldUseTheScramLoginModuleForScramMechanisms() {
        KafkaTriggerConfig config = config(with("sasl: {mechanism: SCRAM-SHA-512, user: alice, password: secret}"));

        assertThat(config.security())
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required "
                                + "username=\"alice\" password=\"secret\";")
                .containsEntry("security.protocol", "SASL_PLAINTEXT");
    }

    @Test
    void shouldRejectBadSaslSettings() {
        int line = ATTRIBUTES + 4;
        assertError(
                with("sasl: {mechanism: GSSAPI, user: alice, password: secret}"),
                line,
                "sasl.mechanism",
                "must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got 'GSSAPI'");
        assertError(with("sasl: {password: secret}"), line, "sasl.user", "is required");
        assertError(
                with("sasl: {user: alice, password: secret, token: x}"),
                line,
                "sasl.token",
                "unknown field (known fields: enable, mechanism, password, user)");
    }

    @Test
    void shouldIgnoreADisabledSaslSection() {
        assertThat(config(with("sasl: {enable: false}")).security()).isEmpty();
    }

    @Test
    void shouldTurnTlsWithACaCertificateIntoSslTrustingThatPem() throws IOException {
        Path ca = pem("ca.pem");

        KafkaTriggerConfig config = config(with("tls: {caCertFile: " + ca + ", insecureSkipVerify: true}"));

        assertThat(config.security())
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.certificates", Files.readString(ca))
                .containsEntry("ssl.endpoint.identification.algorithm", "")
                .containsEntry("security.protocol", "SSL")
                .doesNotContainKey("ssl.keystore.type");
    }

    @Test
    void shouldUseTheClientCertificateAndKeyForMutualTls() throws IOException {
        Path cert = pem("client.pem");
        Path key = pem("client.key");

        KafkaTriggerConfig config = config(with("tls: {certFile: " + cert + ", keyFile: " + key + "}"));

        assertThat(config.security())
                .containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.keystore.certificate.chain", Files.readString(cert))
                .containsEntry("ssl.keystore.key", Files.readString(key))
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldCombineSaslAndTlsIntoSaslSsl() throws IOException {
        Path ca = pem("ca.pem");

        KafkaTriggerConfig config = config(with(
                "sasl: {mechanism: SCRAM-SHA-256, user: alice, password: secret}", "tls: {caCertFile: " + ca + "}"));

        assertThat(config.security())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("ssl.truststore.type", "PEM");
    }

    @Test
    void shouldRejectBadTlsSettings() throws IOException {
        Path cert = pem("client.pem");
        int line = ATTRIBUTES + 4;
        assertError(
                with("tls: {certFile: " + cert + "}"),
                line,
                "tls",
                "certFile and keyFile go together (mutual TLS needs both)");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> config(with("tls: {caCertFile: " + missing + "}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "function.yaml line " + line + ": " + WHERE + ".tls.caCertFile: cannot read " + missing);
        assertError(
                with("tls: {caFile: x}"),
                line,
                "tls.caFile",
                "unknown field (known fields: caCertFile, certFile, enable, insecureSkipVerify, keyFile)");
    }

    // ---- the trigger itself ---------------------------------------------------------------------------

    @Test
    void shouldCreateTheTriggerThroughItsFactory() {
        KafkaTriggerFactory factory = new KafkaTriggerFactory();
        assertThat(factory.kind()).isEqualTo("kafka-cluster");
        assertThat(factory.aliases()).containsExactly("kafka");
        assertThat(factory.supportsBatches()).isTrue();

        Trigger trigger = factory.create(context(yaml(with("consumerProperties: {fetch.min.bytes: \"1024\"}"), "")));

        assertThat(trigger.name()).isEqualTo("orders");
        assertThat(trigger.kind()).isEqualTo("kafka-cluster");
        trigger.close(); // never started: nothing to stop
    }

    @Test
    void shouldRejectConsumerPropertiesTheTriggerOwns() {
        for (String reserved : List.of(
                "enable.auto.commit",
                "group.id",
                "key.deserializer",
                "value.deserializer",
                "max.poll.records",
                "partition.assignment.strategy")) {
            String yaml = yaml(with("consumerProperties: {" + reserved + ": \"true\"}"), "");
            assertThatThrownBy(() -> new KafkaTriggerFactory().create(context(yaml)))
                    .as(reserved)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("function.yaml line " + (ATTRIBUTES + 4) + ": " + WHERE
                            + ".consumerProperties." + reserved + ": is set by the trigger: ")
                    .hasMessageEndingWith("; remove it");
        }
    }

    @Test
    void shouldGiveTheConsumerWhatTheTriggerNeedsAndLetConsumerPropertiesAddTheRest() {
        TriggerConfig trigger = trigger(yaml(with("consumerProperties: {fetch.min.bytes: \"1024\"}"), ""));
        java.util.Properties properties = KafkaTrigger.consumerProperties(
                KafkaTriggerConfig.from(trigger.attributes(), trigger.batch()), "fn", "orders", trigger.attributes());

        assertThat(properties)
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("group.id", "billing")
                .containsEntry("group.protocol", "classic")
                .containsEntry(
                        "partition.assignment.strategy",
                        org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName())
                .containsEntry("fetch.max.wait.ms", Long.toString(KafkaTrigger.DEFAULT_FETCH_MAX_WAIT_MS))
                .containsEntry("fetch.min.bytes", "1024");
        TriggerConfig slower = trigger(yaml(with("consumerProperties: {fetch.max.wait.ms: \"500\"}"), ""));
        assertThat(KafkaTrigger.consumerProperties(
                        KafkaTriggerConfig.from(slower.attributes(), slower.batch()),
                        "fn",
                        "orders",
                        slower.attributes()))
                .containsEntry("fetch.max.wait.ms", "500");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** @return the required attributes plus {@code extra}, one per line */
    private static List<String> with(String... extra) {
        List<String> lines = new ArrayList<>(REQUIRED);
        lines.addAll(List.of(extra));
        return lines;
    }

    private static String yaml(List<String> attributes, String triggerExtras) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    orders:
                      kind: kafka-cluster
                """);
        if (!triggerExtras.isEmpty()) {
            yaml.append(triggerExtras).append('\n');
        }
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

    private static KafkaTriggerConfig config(List<String> attributes) {
        return config(attributes, "");
    }

    private static KafkaTriggerConfig config(List<String> attributes, String triggerExtras) {
        TriggerConfig trigger = trigger(yaml(attributes, triggerExtras));
        Optional<BatchConfig> batch = trigger.batch();
        return KafkaTriggerConfig.from(trigger.attributes(), batch);
    }

    /** The constructor reads the config and registers metrics; it does not touch the dispatcher until start. */
    private static TriggerContext context(String yaml) {
        return new TriggerContext(trigger(yaml), "fn", null, new SimpleMeterRegistry(), Duration.ofSeconds(5));
    }

    private static void assertError(List<String> attributes, int line, String field, String problem) {
        assertThatThrownBy(() -> config(attributes))
                .as("%s", attributes)
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + WHERE + "." + field + ": " + problem);
    }

    private Path pem(String name) throws IOException {
        return Files.writeString(
                dir.resolve(name),
                "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU" + name + "\n-----END CERTIFICATE-----\n");
    }
}
