package io.nucleon.binding.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.spi.DataBindingContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kafka binding's attributes and secrets, read from a function.yaml: defaults, forms and errors. */
class KafkaBindingConfigTest {

    /** The binding's {@code attributes:} line; attribute {@code i} (0-based) is on line {@code ATTRIBUTES + 1 + i}. */
    private static final int ATTRIBUTES = 10;

    private static final String WHERE = "spec.dataBindings.orders.attributes";

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheBrokers() {
        KafkaBindingConfig config = config("brokers: [kafka-0:9092]");

        assertThat(config.bootstrapServers()).containsExactly("kafka-0:9092");
        assertThat(config.topic()).isEmpty();
        assertThat(config.acks()).isEqualTo("all");
        assertThat(config.linger()).isEqualTo(Duration.ofMillis(5));
        assertThat(config.compression()).isEqualTo("none");
        assertThat(config.idempotence()).isTrue();
        assertThat(config.producerProperties()).isEmpty();
        assertThat(config.secretProperties()).isEmpty();
        assertThat(config.maxBlock()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldReadEveryAttribute() {
        KafkaBindingConfig config = config(
                "brokers: [kafka-0:9092, '[::1]:9093']",
                "topic: orders.v2",
                "acks: 1",
                "linger: 20ms",
                "compression: zstd",
                "idempotence: false",
                "producer: {batch.size: 65536, max.block.ms: 3000}");

        assertThat(config.bootstrapServers()).containsExactly("kafka-0:9092", "[::1]:9093");
        assertThat(config.topic()).contains("orders.v2");
        assertThat(config.acks()).isEqualTo("1");
        assertThat(config.linger()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.compression()).isEqualTo("zstd");
        assertThat(config.idempotence()).isFalse();
        assertThat(config.producerProperties())
                .containsExactly(Map.entry("batch.size", "65536"), Map.entry("max.block.ms", "3000"));
        assertThat(config.maxBlock()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldTakeTheBrokersAsACommaSeparatedStringOrAsTheBindingsUrl() {
        assertThat(config("brokers: 'kafka-0:9092, kafka-1:9092,'").bootstrapServers())
                .containsExactly("kafka-0:9092", "kafka-1:9092");
        assertThat(parse("      url: 127.0.0.1:9092\n", Map.of()).bootstrapServers())
                .containsExactly("127.0.0.1:9092");
    }

    @Test
    void shouldReadMinusOneAsAllAndDefaultIdempotenceToOffWithoutAllAcks() {
        assertThat(config("brokers: k:9092", "acks: -1").acks()).isEqualTo("all");
        assertThat(config("brokers: k:9092", "acks: 0").idempotence()).isFalse();
        assertThat(config("brokers: k:9092", "acks: 1").idempotence()).isFalse();
    }

    @Test
    void shouldBuildTheProducerConfigWithDefaultsFirstAndTheTypedAttributesLast() {
        KafkaBindingConfig config = config(
                "brokers: [kafka-0:9092, kafka-1:9092]", "producer: {client.id: billing, request.timeout.ms: 5000}");

        assertThat(config.producerConfig("nucleon-fn-orders"))
                .containsExactly(
                        Map.entry("client.id", "billing"),
                        Map.entry("max.block.ms", "10000"),
                        Map.entry("request.timeout.ms", "5000"),
                        Map.entry("bootstrap.servers", "kafka-0:9092,kafka-1:9092"),
                        Map.entry("acks", "all"),
                        Map.entry("linger.ms", "5"),
                        Map.entry("compression.type", "none"),
                        Map.entry("enable.idempotence", "true"));
        assertThat(config("brokers: k:9092").producerConfig("nucleon-fn-orders"))
                .containsEntry("client.id", "nucleon-fn-orders");
    }

    @Test
    void shouldGiveTheChecksAdminClientOnlyTheConnectionAndSecurityProperties() {
        KafkaBindingConfig config = parse("""
                      attributes:
                        brokers: k:9092
                        producer: {security.protocol: SASL_SSL, sasl.mechanism: PLAIN, batch.size: 1024}
                      secrets:
                        sasl.jaas.config: {env: JAAS}
                """, Map.of("sasl.jaas.config", "jaas-line"));

        assertThat(KafkaBindingConfig.adminConfig(config.producerConfig("nucleon-fn-orders")))
                .containsOnly(
                        Map.entry("client.id", "nucleon-fn-orders-check"),
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.mechanism", "PLAIN"),
                        Map.entry("bootstrap.servers", "k:9092"),
                        Map.entry("sasl.jaas.config", "jaas-line"));
    }

    // ---- secrets ----------------------------------------------------------------------------------------

    @Test
    void shouldTakeKafkaPasswordPropertiesFromSecretsAndNeverPrintThem() {
        KafkaBindingConfig config =
                parse("""
                      attributes:
                        brokers: k:9092
                        producer: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512}
                      secrets:
                        sasl.jaas.config: {env: KAFKA_JAAS}
                        ssl.truststore.password: {file: /run/secrets/truststore}
                """, Map.of("sasl.jaas.config", "top-secret-jaas", "ssl.truststore.password", "top-secret-pw"));

        assertThat(config.secretProperties())
                .containsOnly(
                        Map.entry("sasl.jaas.config", "top-secret-jaas"),
                        Map.entry("ssl.truststore.password", "top-secret-pw"));
        assertThat(config.producerConfig("id"))
                .containsEntry("sasl.jaas.config", "top-secret-jaas")
                .containsEntry("ssl.truststore.password", "top-secret-pw");
        assertThat(config.toString())
                .contains("sasl.jaas.config", "ssl.truststore.password")
                .doesNotContain("top-secret");
    }

    @Test
    void shouldRejectASecretThatIsNotAKafkaPasswordProperty() {
        assertThatThrownBy(() -> parse("""
                              attributes: {brokers: k:9092}
                              secrets:
                                password: {env: KAFKA_PASSWORD}
                        """, Map.of("password", "top-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line 12: spec.dataBindings.orders.secrets.password: is not a"
                        + " secret a kafka binding takes: secrets supply Kafka's password properties (")
                .hasMessageContaining("sasl.jaas.config, sasl.oauthbearer")
                .hasMessageEndingWith("a SASL user and password go together in sasl.jaas.config")
                .message()
                .doesNotContain("top-secret");
    }

    @Test
    void shouldRejectAPasswordWrittenInFunctionYaml() {
        assertThat(error("brokers: k:9092", "sasl.jaas.config: x"))
                .isEqualTo(line(1) + WHERE + ".sasl.jaas.config: is a password: give it in the binding's secrets"
                        + " (sasl.jaas.config: {env: VARIABLE}), never in function.yaml");
        assertThat(error("brokers: k:9092", "producer: {ssl.key.password: x}"))
                .startsWith(line(1) + WHERE + ".producer.ssl.key.password: is a password");
    }

    // ---- errors -----------------------------------------------------------------------------------------

    @Test
    void shouldRequireTheBrokers() {
        assertThat(error("topic: orders"))
                .isEqualTo("function.yaml line " + ATTRIBUTES + ": " + WHERE
                        + ": 'brokers' (or 'url') is required: the Kafka bootstrap servers, e.g. [kafka-0:9092]");
        assertThat(error("brokers: []"))
                .isEqualTo(line(0) + WHERE + ".brokers: must name at least one broker," + " host:port");
    }

    @Test
    void shouldRejectUrlAndBrokersTogether() {
        assertThatThrownBy(() -> parse("      url: a:9092\n      attributes: {brokers: b:9092}\n", Map.of()))
                .hasMessageEndingWith(
                        WHERE + ".brokers: is set together with url; keep one (both name the bootstrap servers)");
    }

    @Test
    void shouldRejectABrokerThatIsNotHostAndPort() {
        assertThat(error("brokers: [kafka-0:9092, kafka-1]"))
                .isEqualTo(line(0) + WHERE + ".brokers[1]: must be host:port, e.g. kafka-0:9092, got 'kafka-1'");
        assertThat(error("brokers: k:99999")).endsWith("must be host:port, e.g. kafka-0:9092, got 'k:99999'");
        assertThat(error("brokers: 'kafka://app:hunter2@k:9092'"))
                .endsWith("must be host:port, e.g. kafka-0:9092")
                .doesNotContain("hunter2");
    }

    @Test
    void shouldRejectBadValuesOfTheTypedAttributes() {
        assertThat(error("brokers: k:9092", "acks: 2"))
                .isEqualTo(line(1) + WHERE + ".acks: must be one of all, -1, 0, 1, got '2'");
        assertThat(error("brokers: k:9092", "compression: brotli"))
                .isEqualTo(
                        line(1) + WHERE + ".compression: must be one of none, gzip, snappy, lz4, zstd, got 'brotli'");
        assertThat(error("brokers: k:9092", "linger: 5"))
                .isEqualTo(line(1) + WHERE + ".linger: must be a duration such as 500ms, 30s, 5m or 1h30m, got '5'");
        assertThat(error("brokers: k:9092", "topic: 'orders/eu'"))
                .isEqualTo(line(1) + WHERE + ".topic: must be a Kafka topic name (letters, digits, '.', '_', '-';"
                        + " at most 249), got 'orders/eu'");
    }

    @Test
    void shouldRejectIdempotenceWithoutAllAcks() {
        assertThat(error("brokers: k:9092", "acks: 1", "idempotence: true"))
                .isEqualTo(line(2) + WHERE + ".idempotence: needs acks: all (the idempotent producer waits for every"
                        + " in-sync replica); set idempotence: false to use acks: 1");
    }

    @Test
    void shouldRejectUnknownAttributesAndPointKafkaPropertiesUnderProducer() {
        assertThat(error("brokers: k:9092", "topics: [a]"))
                .isEqualTo(line(1) + WHERE + ".topics: unknown field (known fields: acks, brokers, compression,"
                        + " idempotence, linger, producer, topic, url)");
        assertThat(error("brokers: k:9092", "batch.size: 1024"))
                .isEqualTo(line(1) + WHERE + ".batch.size: is a Kafka producer property: put it under 'producer'"
                        + " (producer: {batch.size: ...})");
        assertThat(error("brokers: k:9092", "linger.ms: 1"))
                .isEqualTo(line(1) + WHERE + ".linger.ms: is set by the binding's 'linger' attribute; use that");
    }

    @Test
    void shouldRejectProducerPropertiesTheBindingOwns() {
        assertThat(error("brokers: k:9092", "producer: {bootstrap.servers: x:1}"))
                .isEqualTo(line(1) + WHERE + ".producer.bootstrap.servers: is set by the binding's 'brokers'"
                        + " attribute; use that");
        assertThat(error("brokers: k:9092", "producer: {enable.idempotence: false}"))
                .endsWith("is set by the binding's 'idempotence' attribute; use that");
        assertThat(error("brokers: k:9092", "producer: {value.serializer: x.Y}"))
                .endsWith(".producer.value.serializer: cannot be changed: the binding sends byte arrays (or text as"
                        + " UTF-8); serialize in the function");
        assertThat(error("brokers: k:9092", "producer: {transactional.id: tx}"))
                .endsWith(".producer.transactional.id: is not supported: all workers share one producer, and a"
                        + " producer runs one transaction at a time");
    }

    @Test
    void shouldRejectUnknownProducerPropertiesAndBadValuesWithTheirLine() {
        assertThat(error("brokers: k:9092", "producer:", "  batch.size: 1024", "  max.request.szie: 1"))
                .isEqualTo(line(3) + WHERE + ".producer.max.request.szie: is not a Kafka producer property (see"
                        + " https://kafka.apache.org/documentation/#producerconfigs)");
        assertThat(error("brokers: k:9092", "producer:", "  batch.size: lots"))
                .isEqualTo(line(2) + WHERE + ".producer.batch.size: Invalid value lots for configuration batch.size:"
                        + " Not a number of type INT");
        assertThat(error("brokers: k:9092", "producer: {retries: -1}"))
                .startsWith(line(1) + WHERE + ".producer.retries: Invalid value -1 for configuration retries");
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** A binding {@code orders} whose attributes are these lines. */
    private static KafkaBindingConfig config(String... attributeLines) {
        return parse(attributes(attributeLines), Map.of());
    }

    private static String error(String... attributeLines) {
        try {
            config(attributeLines);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + String.join(", ", attributeLines));
    }

    private static String attributes(String... lines) {
        StringBuilder yaml = new StringBuilder("      attributes:\n");
        for (String line : lines) {
            yaml.append("        ").append(line).append('\n');
        }
        return yaml.toString();
    }

    /** @return the prefix of an error about attribute line {@code i} (0-based) */
    private static String line(int i) {
        return "function.yaml line " + (ATTRIBUTES + 1 + i) + ": ";
    }

    /**
     * @param bindingLines the lines of binding {@code orders} after its kind, indented six spaces
     * @param secrets the secrets' values, as the processor would have read them
     */
    static KafkaBindingConfig parse(String bindingLines, Map<String, String> secrets) {
        return KafkaBindingConfig.from(context(bindingLines, secrets));
    }

    static DataBindingContext context(String bindingLines, Map<String, String> secrets) {
        String yaml = """
                apiVersion: nucleon.io/v1
                kind: NucleonFunction
                metadata:
                  name: shop
                spec:
                  handler: com.example.Shop
                  dataBindings:
                    orders:
                      kind: kafka
                """ + bindingLines;
        var binding = Optional.ofNullable(FunctionConfigLoader.parse(yaml, "function.yaml")
                        .spec()
                        .dataBindings()
                        .get("orders"))
                .orElseThrow();
        return new DataBindingContext(binding, "shop", secrets, new SimpleMeterRegistry());
    }
}
