package io.nucleon.binding.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.DataBindingConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;
import io.nucleon.support.rabbitmq.AmqpUrl;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The rabbit-mq binding's attributes and secrets, read from a function.yaml, and its factory; no network. */
class RabbitMqBindingConfigTest {

    /** Line of the binding's first field in {@link #yaml}; field {@code i} (0-based) is on line {@code FIRST + i}. */
    private static final int FIRST = 8;

    private static final String WHERE = "spec.dataBindings.events";
    private static final String URL = "url: amqp://app:s3cret@rabbit.example.com:5673/shop";

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheUrl() {
        RabbitMqBindingConfig config = config(Map.of(), URL);

        assertThat(config.url()).isEqualTo(new AmqpUrl(false, "rabbit.example.com", 5673, "app", "s3cret", "shop"));
        assertThat(config.exchangeName()).isEmpty();
        assertThat(config.confirmTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.mandatory()).isTrue();
        assertThat(config.persistent()).isTrue();
    }

    @Test
    void shouldReadEveryAttribute() {
        RabbitMqBindingConfig config = config(
                Map.of(),
                "attributes:",
                "  url: amqps://app@rabbit.example.com/%2Fprod",
                "  exchangeName: events",
                "  confirmTimeout: 250ms",
                "  connectionTimeout: 2s",
                "  mandatory: false",
                "  persistent: false");

        assertThat(config.url()).isEqualTo(new AmqpUrl(true, "rabbit.example.com", 5671, "app", "", "/prod"));
        assertThat(config.exchangeName()).isEqualTo("events");
        assertThat(config.confirmTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.mandatory()).isFalse();
        assertThat(config.persistent()).isFalse();
    }

    @Test
    void shouldLetThePasswordSecretReplaceTheUrlsPassword() {
        RabbitMqBindingConfig config =
                config(Map.of("password", "from-secret"), URL, "secrets:", "  password: {env: P}");

        assertThat(config.url().username()).isEqualTo("app");
        assertThat(config.url().password()).isEqualTo("from-secret");
    }

    @Test
    void shouldTakeTheWholeUrlFromASecret() {
        RabbitMqBindingConfig config = config(
                Map.of("url", "amqp://app:hidden@10.0.0.7/shop"), "secrets:", "  url: {file: /run/secrets/amqp}");

        assertThat(config.url()).isEqualTo(new AmqpUrl(false, "10.0.0.7", 5672, "app", "hidden", "shop"));
    }

    @Test
    void shouldNeverShowThePasswordWhenPrinted() {
        RabbitMqBindingConfig config =
                config(Map.of("password", "from-secret"), URL, "secrets:", "  password: {env: P}");

        assertThat(config.toString())
                .contains("amqp://app@rabbit.example.com:5673/shop")
                .doesNotContain("from-secret")
                .doesNotContain("s3cret");
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void shouldRequireTheUrl() {
        assertThatThrownBy(() -> config(Map.of(), "attributes: {exchangeName: events}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(WHERE + ".attributes: 'url' is required");
    }

    @Test
    void shouldRefuseAUrlThatIsNotAmqpWithoutShowingItsPassword() {
        assertError(
                FIRST,
                "attributes.url",
                "'http://app:****@rabbit:5672/' must start with amqp:// or amqps://",
                "url: http://app:s3cret@rabbit:5672/");
        // the other ways a URL can be wrong: AmqpUrlTest in nucleon-support-rabbitmq
    }

    @Test
    void shouldRefuseAPasswordInAttributes() {
        assertError(
                FIRST + 2,
                "attributes.password",
                "is a secret: give it under secrets (password: {env: VARIABLE} or {file: /path}), not in attributes",
                URL,
                "attributes:",
                "  password: plain");
    }

    @Test
    void shouldRejectUnknownAttributesAndSecrets() {
        String known = "(known fields: confirmTimeout, connectionTimeout, exchangeName, mandatory, password, "
                + "persistent, url)";
        assertError(FIRST + 2, "attributes.queueName", "unknown field " + known, URL, "attributes:", "  queueName: q");
        assertThatThrownBy(() -> config(Map.of("token", "x"), URL, "secrets:", "  token: {env: T}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(WHERE + ".secrets.token: unknown secret (known secrets: password, url)");
    }

    @Test
    void shouldRejectTimeoutsOutOfRange() {
        assertError(
                FIRST + 2,
                "attributes.confirmTimeout",
                "must be at least 1ms",
                URL,
                "attributes:",
                "  confirmTimeout: 0s");
        assertError(
                FIRST + 2,
                "attributes.connectionTimeout",
                "must be at most 10s: the start-up check connects and shakes hands within it and has 30 s in all",
                URL,
                "attributes:",
                "  connectionTimeout: 11s");
        assertThatThrownBy(() -> config(Map.of(), URL, "attributes:", "  confirmTimeout: soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(WHERE + ".attributes.confirmTimeout: ");
    }

    @Test
    void shouldRejectABadBooleanAndALongExchangeName() {
        assertError(
                FIRST + 2,
                "attributes.mandatory",
                "must be true or false, got 'yes please'",
                URL,
                "attributes:",
                "  mandatory: yes please");
        assertError(
                FIRST + 2,
                "attributes.exchangeName",
                "must be at most 255 bytes",
                URL,
                "attributes:",
                "  exchangeName: " + "x".repeat(256));
    }

    // ---- the factory ----------------------------------------------------------------------------------

    @Test
    void shouldBeFoundUnderBothNames() {
        DataBindingFactory found = ServiceLoader.load(DataBindingFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(factory -> factory.kind().equals("rabbit-mq"))
                .findFirst()
                .orElseThrow();

        assertThat(found).isInstanceOf(RabbitMqBindingFactory.class);
        assertThat(found.aliases()).containsExactly("rabbitmq");
    }

    @Test
    void shouldCreateAPerWorkerBindingWithoutConnecting() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // nothing listens on port 1: creating must not try
        DataBinding binding = new RabbitMqBindingFactory()
                .create(context(
                        Map.of(),
                        registry,
                        "url: amqp://app:pw@127.0.0.1:1/shop",
                        "attributes:",
                        "  connectionTimeout: 2s"));

        assertThat(binding.type()).isEqualTo(RabbitMqBinding.class);
        assertThat(binding.perWorker()).isTrue();
        ConnectionFactory factory = ((RabbitMqDataBinding) binding).factory();
        assertThat(factory.getHost()).isEqualTo("127.0.0.1");
        assertThat(factory.getPort()).isEqualTo(1);
        assertThat(factory.getUsername()).isEqualTo("app");
        assertThat(factory.getPassword()).isEqualTo("pw");
        assertThat(factory.getVirtualHost()).isEqualTo("shop");
        assertThat(factory.isAutomaticRecoveryEnabled()).isTrue();
        assertThat(factory.getConnectionTimeout()).isEqualTo(2000);
        assertThat(factory.getHandshakeTimeout()).isEqualTo(2000);
        assertThat(factory.getChannelRpcTimeout()).isEqualTo(RabbitMqDataBinding.RPC_TIMEOUT_MS);
        assertThat(registry.find("nucleon_binding_rabbitmq.published")
                        .tags("function", "fn", "binding", "events")
                        .counter())
                .isNotNull();
        binding.close(); // never connected: nothing to close
    }

    @Test
    void shouldUseTlsForAmqps() throws Exception {
        DataBinding binding = new RabbitMqBindingFactory()
                .create(context(Map.of(), new SimpleMeterRegistry(), "url: amqps://rabbit.example.com"));

        ConnectionFactory factory = ((RabbitMqDataBinding) binding).factory();
        assertThat(factory.isSSL()).isTrue();
        assertThat(factory.getPort()).isEqualTo(5671);
        binding.close();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** @return a function.yaml whose binding {@code events} has the given fields, one per line from {@link #FIRST} */
    private static String yaml(String... fields) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  dataBindings:
                    events:
                      kind: rabbit-mq
                """);
        for (String field : fields) {
            yaml.append("      ").append(field).append('\n');
        }
        return yaml.toString();
    }

    private static DataBindingContext context(
            Map<String, String> secrets, SimpleMeterRegistry registry, String... fields) {
        DataBindingConfig binding = FunctionConfigLoader.parse(yaml(fields), "function.yaml")
                .spec()
                .dataBindings()
                .get("events");
        return new DataBindingContext(binding, "fn", secrets, registry);
    }

    private static RabbitMqBindingConfig config(Map<String, String> secrets, String... fields) {
        return RabbitMqBindingConfig.from(context(secrets, new SimpleMeterRegistry(), fields));
    }

    private static void assertError(int line, String field, String problem, String... fields) {
        assertThatThrownBy(() -> config(Map.of(), fields))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + WHERE + "." + field + ": " + problem);
    }
}
