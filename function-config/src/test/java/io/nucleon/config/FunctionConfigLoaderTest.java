package io.nucleon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionConfigLoaderTest {

    private static final String FULL = """
            apiVersion: nuclio.io/v1
            kind: NuclioFunction
            metadata:
              name: orders
              namespace: shop
              labels:
                team: payments
                tier: backend
            spec:
              handler: com.example.orders.OrderFunction
              runtime: java
              description: Takes orders
              env:
              - name: DB_URL
                value: jdbc:postgresql://db:5432/orders
              - name: EMPTY
              eventTimeout: 2s
              minReplicas: 2
              maxReplicas: 5
              triggers:
                http:
                  kind: http
                  numWorkers: 4
                  workerAllocatorName: shared
                  workerAvailabilityTimeoutMilliseconds: 250
                  attributes:
                    port: 8080
                orders:
                  kind: kafka
            """;

    /** Lines 1-6; a test appends spec lines from line 7 on. */
    static final String MINIMAL = """
            apiVersion: nuclio.io/v1
            kind: NuclioFunction
            metadata:
              name: hello
            spec:
              handler: com.example.Hello
            """;

    /** Lines 1-9; a test appends trigger fields from line 10 on. */
    static final String WITH_HTTP_TRIGGER = MINIMAL + """
              triggers:
                http:
                  kind: http
            """;

    @Test
    void shouldReadEveryFieldOfNuclioShapedFile() {
        FunctionConfig config = FunctionConfigLoader.parse(FULL, "function.yaml");

        assertThat(config.apiVersion()).isEqualTo("nuclio.io/v1");
        assertThat(config.kind()).isEqualTo("NuclioFunction");
        assertThat(config.name()).isEqualTo("orders");
        assertThat(config.location()).isEqualTo(new ConfigLocation("function.yaml", 1));
        assertThat(config.metadata().namespace()).isEqualTo("shop");
        assertThat(config.metadata().labels()).containsOnly(entry("team", "payments"), entry("tier", "backend"));
        assertThat(config.metadata().annotations()).isEmpty();

        FunctionSpec spec = config.spec();
        assertThat(spec.handler()).isEqualTo("com.example.orders.OrderFunction");
        assertThat(spec.runtime()).isEqualTo("java");
        assertThat(spec.description()).isEqualTo("Takes orders");
        assertThat(spec.env()).containsExactly(entry("DB_URL", "jdbc:postgresql://db:5432/orders"), entry("EMPTY", ""));
        assertThat(spec.eventTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(spec.minReplicas()).isEqualTo(2);
        assertThat(spec.maxReplicas()).isEqualTo(5);
        assertThat(spec.triggers()).containsOnlyKeys("http", "orders");
        assertThat(spec.triggers().keySet()).containsExactly("http", "orders");
    }

    @Test
    void shouldReadTriggerFieldsAndKeepAttributesForTheFactory() {
        TriggerConfig http = FunctionConfigLoader.parse(FULL, "function.yaml")
                .spec()
                .triggers()
                .get("http");

        assertThat(http.name()).isEqualTo("http");
        assertThat(http.kind()).isEqualTo("http");
        assertThat(http.numWorkers()).isEqualTo(4);
        assertThat(http.workerAllocatorName()).isEqualTo("shared");
        assertThat(http.sharesWorkerPool()).isTrue();
        assertThat(http.workerAvailabilityTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(http.node().path()).isEqualTo("spec.triggers.http");
        assertThat(http.node().location()).isEqualTo(new ConfigLocation("function.yaml", 21));
        assertThat(http.attributes().path()).isEqualTo("spec.triggers.http.attributes");
        assertThat(http.attributes().location()).isEqualTo(new ConfigLocation("function.yaml", 26));
        assertThat(http.attributes().integer("port", 80, 1, 65535)).isEqualTo(8080);
    }

    @Test
    void shouldDefaultTriggerFieldsThatAreLeftOut() {
        TriggerConfig orders = FunctionConfigLoader.parse(FULL, "function.yaml")
                .spec()
                .triggers()
                .get("orders");

        assertThat(orders.kind()).isEqualTo("kafka");
        assertThat(orders.numWorkers()).isEqualTo(1);
        assertThat(orders.workerAllocatorName()).isEmpty();
        assertThat(orders.sharesWorkerPool()).isFalse();
        assertThat(orders.workerAvailabilityTimeout()).isEqualTo(Duration.ofMillis(10_000));
        assertThat(orders.attributes().entries()).isEmpty();
        assertThat(orders.attributes().path()).isEqualTo("spec.triggers.orders.attributes");
    }

    @Test
    void shouldMoveNuclioTriggerLevelUrlAmongTheAttributes() {
        TriggerConfig orders = FunctionConfigLoader.parse(MINIMAL + """
                  triggers:
                    orders:
                      kind: rabbit-mq
                      url: amqp://guest:guest@127.0.0.1:5672
                      attributes:
                        queueName: orders
                """, "function.yaml")
                .spec()
                .triggers()
                .get("orders");

        assertThat(orders.attributes().string("url")).isEqualTo("amqp://guest:guest@127.0.0.1:5672");
        assertThat(orders.attributes().string("queueName")).isEqualTo("orders");
        assertThat(orders.attributes().required("url").location().line()).isEqualTo(10);
    }

    @Test
    void shouldRefuseAUrlSetAtTriggerLevelAndInAttributes() {
        assertThatThrownBy(() -> FunctionConfigLoader.parse(MINIMAL + """
                  triggers:
                    orders:
                      kind: nats
                      url: nats://a:4222
                      attributes:
                        url: nats://b:4222
                """, "function.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.triggers.orders.url")
                .hasMessageContaining("is set twice");
    }

    @Test
    void shouldAcceptEnvAsPlainMapping() {
        FunctionConfig config = FunctionConfigLoader.parse(MINIMAL + """
                  env:
                    B_FIRST: one
                    A_SECOND: "2"
                    PORT: 8080
                """, "function.yaml");

        assertThat(config.spec().env())
                .containsExactly(entry("B_FIRST", "one"), entry("A_SECOND", "2"), entry("PORT", "8080"));
    }

    @Test
    void shouldFillDefaultsForMinimalFile() {
        FunctionConfig config = FunctionConfigLoader.parse(MINIMAL, "function.yaml");

        assertThat(config.metadata().namespace()).isEqualTo("default");
        assertThat(config.metadata().labels()).isEmpty();
        assertThat(config.spec().runtime()).isEqualTo("java");
        assertThat(config.spec().description()).isEmpty();
        assertThat(config.spec().env()).isEmpty();
        assertThat(config.spec().eventTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.spec().minReplicas()).isEqualTo(1);
        assertThat(config.spec().maxReplicas()).isEqualTo(1);
    }

    @Test
    void shouldDefaultApiVersionAndKindWhenLeftOut() {
        FunctionConfig config = FunctionConfigLoader.parse("""
                metadata:
                  name: hello
                spec:
                  handler: com.example.Hello
                """, "function.yaml");

        assertThat(config.apiVersion()).isEqualTo("nuclio.io/v1");
        assertThat(config.kind()).isEqualTo("NuclioFunction");
    }

    @Test
    void shouldAcceptNucleonApiVersionAndKind() {
        FunctionConfig config = FunctionConfigLoader.parse("""
                apiVersion: nucleon.io/v1
                kind: NucleonFunction
                metadata:
                  name: hello
                spec:
                  handler: com.example.Hello
                """, "function.yaml");

        assertThat(config.apiVersion()).isEqualTo("nucleon.io/v1");
        assertThat(config.kind()).isEqualTo("NucleonFunction");
    }

    @Test
    void shouldAddDefaultHttpTriggerWhenNoTriggersAreGiven() {
        TriggerConfig trigger = FunctionConfigLoader.parse(MINIMAL, "function.yaml")
                .spec()
                .triggers()
                .get("default-http");

        assertThat(trigger).isNotNull();
        assertThat(trigger.name()).isEqualTo("default-http");
        assertThat(trigger.kind()).isEqualTo("http");
        assertThat(trigger.numWorkers()).isEqualTo(1);
        assertThat(trigger.workerAllocatorName()).isEmpty();
        assertThat(trigger.workerAvailabilityTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(trigger.node().path()).isEqualTo("spec.triggers.default-http");
        assertThat(trigger.attributes().path()).isEqualTo("spec.triggers.default-http.attributes");
        assertThat(trigger.attributes().entries()).isEmpty();
        assertThat(trigger.attributes().integer("port", 8080, 1, 65535)).isEqualTo(8080);
    }

    @Test
    void shouldAddDefaultHttpTriggerWhenTriggersIsEmptyMapping() {
        FunctionConfig config = FunctionConfigLoader.parse(MINIMAL + "  triggers: {}\n", "function.yaml");

        assertThat(config.spec().triggers()).containsOnlyKeys("default-http");
    }

    @Test
    void shouldAddDefaultHttpTriggerWhenTriggersIsNull() {
        FunctionConfig config = FunctionConfigLoader.parse(MINIMAL + "  triggers:\n", "function.yaml");

        assertThat(config.spec().triggers()).containsOnlyKeys("default-http");
    }

    @Test
    void shouldNotAddDefaultHttpTriggerWhenTriggersAreGiven() {
        FunctionConfig config = FunctionConfigLoader.parse(WITH_HTTP_TRIGGER, "function.yaml");

        assertThat(config.spec().triggers()).containsOnlyKeys("http");
    }

    @Test
    void shouldReturnUnmodifiableCollections() {
        FunctionConfig config = FunctionConfigLoader.parse(FULL, "function.yaml");

        assertThatThrownBy(() -> config.spec().env().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.spec().triggers().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.metadata().labels().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldLoadFileFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("function.yaml");
        Files.writeString(file, FULL, StandardCharsets.UTF_8);

        FunctionConfig config = FunctionConfigLoader.load(file);

        assertThat(config.name()).isEqualTo("orders");
        assertThat(config.location()).isEqualTo(new ConfigLocation(file.toString(), 1));
    }

    @Test
    void shouldNameTheFilePathInErrorsOfLoadedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("function.yaml");
        Files.writeString(file, MINIMAL + "  runtime: python\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> FunctionConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + " line 7: spec.runtime: must be one of java, got 'python'");
    }

    @Test
    void shouldRejectMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> FunctionConfigLoader.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void shouldRejectDirectoryAsFile(@TempDir Path dir) {
        assertThatThrownBy(() -> FunctionConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir + ": no such file");
    }
}
