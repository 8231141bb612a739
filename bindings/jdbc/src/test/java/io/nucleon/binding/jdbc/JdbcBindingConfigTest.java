package io.nucleon.binding.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.spi.DataBindingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The jdbc binding's attributes and secrets, read from a function.yaml: defaults, every attribute, and errors. */
class JdbcBindingConfigTest {

    /** Line of the first attribute in {@link #yaml}; attribute {@code i} (0-based) is on line {@code FIRST + i}. */
    private static final int FIRST = 14;

    private static final String WHERE = "spec.dataBindings.db.attributes";
    private static final String URL = "url: jdbc:postgresql://127.0.0.1:5432/test";

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheUrl() {
        JdbcBindingConfig config = config(List.of(URL));

        assertThat(config.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(config.username()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.driverClassName()).isEmpty();
        assertThat(config.maxPoolSize()).isEqualTo(10);
        assertThat(config.minIdle()).isEqualTo(1);
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.properties()).isEmpty();
        assertThat(config.poolName()).isEqualTo("nucleon-orders-db");
    }

    @Test
    void shouldReadEveryAttribute() {
        JdbcBindingConfig config = config(List.of(
                URL,
                "username: app",
                "password: plain",
                "driverClassName: org.postgresql.Driver",
                "maxPoolSize: 20",
                "minIdle: 4",
                "connectionTimeout: 2s",
                "idleTimeout: 1m",
                "maxLifetime: 15m",
                "properties: {ApplicationName: orders, sslmode: disable, prepareThreshold: 3}"));

        assertThat(config.username()).contains("app");
        assertThat(config.password()).contains("plain");
        assertThat(config.driverClassName()).contains("org.postgresql.Driver");
        assertThat(config.maxPoolSize()).isEqualTo(20);
        assertThat(config.minIdle()).isEqualTo(4);
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxLifetime()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.properties())
                .containsExactly(
                        Map.entry("ApplicationName", "orders"),
                        Map.entry("sslmode", "disable"),
                        Map.entry("prepareThreshold", "3"));
    }

    @Test
    void shouldTakeTheUrlBesideTheAttributes() {
        String yaml = header() + """
                      url: jdbc:postgresql://db:5432/orders
                """;

        assertThat(from(yaml, Map.of()).url()).isEqualTo("jdbc:postgresql://db:5432/orders");
    }

    @Test
    void shouldTakeThePasswordAndTheUrlFromSecrets() {
        String yaml = yaml(List.of("username: app")) + """
                      secrets:
                        url: {env: DB_URL}
                        password: {file: /run/secrets/db-password}
                """;

        JdbcBindingConfig config =
                from(yaml, Map.of("url", "jdbc:postgresql://db/orders?sslpassword=k3y", "password", "s3cret"));

        assertThat(config.url()).isEqualTo("jdbc:postgresql://db/orders?sslpassword=k3y");
        assertThat(config.password()).contains("s3cret");
        assertThat(config.toString()).doesNotContain("s3cret", "k3y").contains("password=****");
    }

    @Test
    void shouldAcceptZeroForNoIdleTimeoutAndNoMaxLifetime() {
        JdbcBindingConfig config = config(List.of(URL, "idleTimeout: 0s", "maxLifetime: 0s", "minIdle: 0"));

        assertThat(config.idleTimeout()).isZero();
        assertThat(config.maxLifetime()).isZero();
        assertThat(config.minIdle()).isZero();
    }

    @Test
    void shouldTakeADriverClassWithoutAskingDriverManager() {
        JdbcBindingConfig config = config(List.of("url: jdbc:nosuchdb://db/x", "driverClassName: com.example.Driver"));

        assertThat(config.driverClassName()).contains("com.example.Driver");
    }

    @Test
    void shouldNeverShowThePasswordInItsText() {
        JdbcBindingConfig config =
                config(List.of("url: jdbc:postgresql://db/orders?password=inurl", "username: app", "password: s3cret"));

        assertThat(config.toString())
                .doesNotContain("s3cret", "inurl")
                .contains("url=jdbc:postgresql://db/orders?password=****", "username=app", "password=****");
    }

    // ---- errors -----------------------------------------------------------------------------------------

    @Test
    void shouldRequireTheUrl() {
        assertThatThrownBy(() -> config(List.of("username: app")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(WHERE + ": 'url' is required");
    }

    @Test
    void shouldRejectAUrlThatIsNotJdbcWithoutShowingItsPassword() {
        assertThatThrownBy(() -> config(List.of("url: postgresql://app:s3cret@db/orders")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + FIRST)
                .hasMessageContaining(WHERE + ".url: must be a JDBC URL starting with jdbc:")
                .hasMessageContaining("postgresql://app:****@db/orders")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldNotShowASecretUrlThatIsNotJdbc() {
        String yaml = yaml(List.of()) + """
                      secrets:
                        url: {env: DB_URL}
                """;

        assertThatThrownBy(() -> from(yaml, Map.of("url", "postgresql://db/secret-host")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.dataBindings.db.secrets.url: must be a JDBC URL")
                .hasMessageNotContaining("secret-host");
    }

    @Test
    void shouldRejectAUrlThatNoDriverAccepts() {
        assertThatThrownBy(() -> config(List.of("url: jdbc:nosuchdb://db/orders?password=s3cret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + FIRST)
                .hasMessageContaining("no JDBC driver on the processor's classpath accepts "
                        + "'jdbc:nosuchdb://db/orders?password=****'")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldRejectUnknownAttributesAndSecrets() {
        assertThatThrownBy(() -> config(List.of(URL, "poolSize: 3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + (FIRST + 1))
                .hasMessageContaining(WHERE + ".poolSize: unknown field (known fields: connectionTimeout, "
                        + "driverClassName, idleTimeout, maxLifetime, maxPoolSize, minIdle, password, properties, "
                        + "url, username)");

        String yaml = yaml(List.of(URL)) + """
                      secrets:
                        token: {env: DB_TOKEN}
                """;
        assertThatThrownBy(() -> from(yaml, Map.of("token", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.dataBindings.db.secrets.token: unknown secret");
    }

    @Test
    void shouldRejectPoolSizesOutOfRange() {
        assertThatThrownBy(() -> config(List.of(URL, "maxPoolSize: 0")))
                .hasMessageContaining(WHERE + ".maxPoolSize: must be an integer from 1 to 10000, got '0'");
        assertThatThrownBy(() -> config(List.of(URL, "maxPoolSize: 4", "minIdle: 5")))
                .hasMessageContaining("line " + (FIRST + 2))
                .hasMessageContaining(WHERE + ".minIdle: must not be more than maxPoolSize (4), got 5");
    }

    @Test
    void shouldRejectTimeoutsHikariWouldChangeSilently() {
        assertThatThrownBy(() -> config(List.of(URL, "connectionTimeout: 100ms")))
                .hasMessageContaining(WHERE + ".connectionTimeout: must be at least 250ms, got 100ms");
        assertThatThrownBy(() -> config(List.of(URL, "idleTimeout: 5s")))
                .hasMessageContaining(WHERE + ".idleTimeout: must be 0 (never) or at least 10s, got 5000ms");
        assertThatThrownBy(() -> config(List.of(URL, "maxLifetime: 10s")))
                .hasMessageContaining(WHERE + ".maxLifetime: must be 0 (never) or at least 30s, got 10000ms");
        assertThatThrownBy(() -> config(List.of(URL, "idleTimeout: 5m", "maxLifetime: 1m")))
                .hasMessageContaining("line " + (FIRST + 1))
                .hasMessageContaining("idleTimeout (300000ms) must be shorter than maxLifetime (60000ms)");
        assertThatThrownBy(() -> config(List.of(URL, "connectionTimeout: soon")))
                .hasMessageContaining(WHERE + ".connectionTimeout:");
    }

    @Test
    void shouldKeepLoginsAndPasswordsOutOfDriverProperties() {
        assertThatThrownBy(() -> config(List.of(URL, "properties: {user: app}")))
                .hasMessageContaining(WHERE + ".properties.user: set the login with the binding's 'username'");
        assertThatThrownBy(() -> config(List.of(URL, "properties: {sslpassword: k3y}")))
                .hasMessageContaining(WHERE + ".properties.sslpassword: a password does not belong in plain attributes")
                .hasMessageNotContaining("k3y");
        assertThatThrownBy(() -> config(List.of(URL, "properties: [a, b]")))
                .hasMessageContaining(WHERE + ".properties: must be a mapping");
    }

    @Test
    void shouldRejectAnEmptyUsername() {
        assertThatThrownBy(() -> config(List.of(URL, "username: ''")))
                .hasMessageContaining("line " + (FIRST + 1))
                .hasMessageContaining(WHERE + ".username: must not be empty");
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static JdbcBindingConfig config(List<String> attributes) {
        return from(yaml(attributes), Map.of());
    }

    static JdbcBindingConfig from(String yaml, Map<String, String> secrets) {
        return JdbcBindingConfig.from(context(yaml, secrets));
    }

    /** A binding context as the processor makes it, for the binding {@code db} of the function {@code orders}. */
    static DataBindingContext context(String yaml, Map<String, String> secrets) {
        var binding = FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .dataBindings()
                .get("db");
        return new DataBindingContext(binding, "orders", secrets, new SimpleMeterRegistry());
    }

    /** @return a function.yaml whose binding {@code db} has these attributes, one a line from line {@link #FIRST} */
    static String yaml(List<String> attributes) {
        List<String> lines = new ArrayList<>();
        lines.add("      attributes:");
        attributes.forEach(attribute -> lines.add("        " + attribute));
        if (attributes.isEmpty()) {
            lines.set(0, "      attributes: {}");
        }
        return header() + String.join("\n", lines) + "\n";
    }

    private static String header() {
        return """
                apiVersion: nucleon.io/v1
                kind: NucleonFunction
                metadata:
                  name: orders
                spec:
                  handler: com.example.Orders
                  triggers:
                    web:
                      kind: http
                  dataBindings:
                    db:
                      kind: jdbc
                """;
    }
}
