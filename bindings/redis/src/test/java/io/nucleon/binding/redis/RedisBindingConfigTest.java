package io.nucleon.binding.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.DataBindingConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.testing.brokers.BrokerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.SslVerifyMode;

/** The redis binding's attributes and secrets, read from a function.yaml: defaults, URL forms and errors. */
class RedisBindingConfigTest {

    /** Line of {@code attributes:} in {@link #yaml}; attribute {@code i} (0-based) is on line {@code ATTRIBUTES + 1 + i}. */
    private static final int ATTRIBUTES = 11;

    private static final String WHERE = "spec.dataBindings.cache.attributes";
    private static final String URL = "url: redis://127.0.0.1:6379";

    // ---- defaults and forms ---------------------------------------------------------------------------

    @Test
    void shouldFillDefaultsForEverythingButTheUrl() {
        RedisBindingConfig config = config(List.of(URL));

        assertThat(config.url())
                .isEqualTo(
                        new RedisUrl(false, "127.0.0.1", 6379, Optional.empty(), Optional.empty(), OptionalInt.of(0)));
        assertThat(config.username()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.database()).isZero();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.socketTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxTotal()).isEqualTo(16);
    }

    @Test
    void shouldReadEveryAttribute() {
        RedisBindingConfig config = config(List.of(
                "url: rediss://cache.example.com:6380",
                "username: app",
                "password: s3cret",
                "database: 3",
                "connectTimeout: 2s",
                "socketTimeout: 750ms",
                "maxTotal: 64"));

        assertThat(config.url().redacted()).isEqualTo("rediss://app@cache.example.com:6380/3");
        assertThat(config.username()).contains("app");
        assertThat(config.password()).contains("s3cret");
        assertThat(config.database()).isEqualTo(3);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.socketTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.maxTotal()).isEqualTo(64);
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void shouldTakeUserPasswordAndDatabaseFromTheUrl() {
        RedisBindingConfig config = config(List.of("url: redis://app:p%40ss@10.0.0.5/2"));

        assertThat(config.url().host()).isEqualTo("10.0.0.5");
        assertThat(config.url().port()).isEqualTo(6379);
        assertThat(config.username()).contains("app");
        assertThat(config.password()).contains("p@ss");
        assertThat(config.database()).isEqualTo(2);
        assertThat(config.url().toString()).isEqualTo("redis://app@10.0.0.5:6379/2");
        assertThat(config.toString()).doesNotContain("p@ss").doesNotContain("p%40ss");
    }

    @Test
    void shouldReadAPasswordWithoutAUserFromTheUrl() {
        RedisBindingConfig config = config(List.of("url: redis://:s3cret@h:7000"));

        assertThat(config.username()).isEmpty();
        assertThat(config.password()).contains("s3cret");
        assertThat(config.url().port()).isEqualTo(7000);
    }

    @Test
    void shouldReadTheUrlForms() {
        assertThat(RedisUrl.parse("redis://h").database()).isEmpty();
        assertThat(RedisUrl.parse("redis://h/").database()).isEmpty();
        assertThat(RedisUrl.parse("redis://h/15").database()).hasValue(15);
        assertThat(RedisUrl.parse("REDISS://h").tls()).isTrue();
        assertThat(RedisUrl.parse("redis://[::1]:7000").host()).isEqualTo("::1");
        assertThat(RedisUrl.parse("redis://[::1]:7000").redacted()).isEqualTo("redis://[::1]:7000");
        assertThat(RedisUrl.parse("redis://us%40er:p%3Ass+1@h").username()).contains("us@er");
        assertThat(RedisUrl.parse("redis://us%40er:p%3Ass+1@h").password()).contains("p:ss+1");
        assertThat(RedisUrl.parse("redis://app@h").password()).isEmpty();
    }

    @Test
    void shouldTakeSecretsForUrlUserAndPassword() {
        RedisBindingConfig config = config(
                List.of(URL, "database: 1"),
                Map.of("username", "app", "password", "fromSecret"),
                List.of("username: {env: REDIS_USER}", "password: {file: /run/secrets/redis}"));

        assertThat(config.username()).contains("app");
        assertThat(config.password()).contains("fromSecret");

        RedisBindingConfig fromSecretUrl = config(
                List.of("maxTotal: 2"), Map.of("url", "redis://:pw@vault-host:6390/4"), List.of("url: {env: URL}"));
        assertThat(fromSecretUrl.url().host()).isEqualTo("vault-host");
        assertThat(fromSecretUrl.password()).contains("pw");
        assertThat(fromSecretUrl.database()).isEqualTo(4);
    }

    @Test
    void shouldAcceptTheUrlBesideTheAttributesAsNuclioWritesIt() {
        String yaml = """
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    web:
                      kind: http
                  dataBindings:
                    cache:
                      kind: redis
                      url: redis://beside:6390
                """;
        DataBindingConfig binding = FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .dataBindings()
                .get("cache");

        RedisBindingConfig config = RedisBindingConfig.from(context(binding, Map.of()));

        assertThat(config.url().host()).isEqualTo("beside");
        assertThat(config.url().port()).isEqualTo(6390);
    }

    // ---- what Jedis gets ------------------------------------------------------------------------------

    @Test
    void shouldConfigureTheClientFromTheAttributes() {
        RedisBindingConfig config = config(
                List.of("url: redis://app:s3cret@h:7000/5", "connectTimeout: 2s", "socketTimeout: 3s", "maxTotal: 8"));

        JedisClientConfig client = config.clientConfig("nucleon:fn:cache");

        assertThat(client.getUser()).isEqualTo("app");
        assertThat(client.getPassword()).isEqualTo("s3cret");
        assertThat(client.getDatabase()).isEqualTo(5);
        assertThat(client.getConnectionTimeoutMillis()).isEqualTo(2000);
        assertThat(client.getSocketTimeoutMillis()).isEqualTo(3000);
        assertThat(client.getBlockingSocketTimeoutMillis())
                .as("BLPOP 0 waits as long as Redis says")
                .isZero();
        assertThat(client.getClientName()).isEqualTo("nucleon:fn:cache");
        assertThat(client.getSslOptions()).isNull();
        assertThat(config.hostAndPort().toString()).isEqualTo("h:7000");

        ConnectionPoolConfig pool = config.poolConfig();
        assertThat(pool.getMaxTotal()).isEqualTo(8);
        assertThat(pool.getMaxIdle()).isEqualTo(8);
        assertThat(pool.getMaxWaitDuration()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldGiveSubscriptionsAReadTimeoutOfThreeHeartbeats() {
        RedisBindingConfig config = config(List.of(URL, "socketTimeout: 3s"));

        JedisClientConfig subscription = config.subscriptionConfig("nucleon:fn:cache:sub");

        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(subscription.getBlockingSocketTimeoutMillis()).isEqualTo(9000);
        assertThat(subscription.getSocketTimeoutMillis()).isEqualTo(3000);
        assertThat(subscription.getClientName()).isEqualTo("nucleon:fn:cache:sub");
    }

    @Test
    void shouldVerifyTheServersHostNameOverTls() {
        JedisClientConfig client =
                config(List.of("url: rediss://cache.example.com")).clientConfig("n");

        // FULL: the chain and the host name (RedisTlsIT shows both refusals)
        assertThat(client.getSslOptions().getSslVerifyMode()).isEqualTo(SslVerifyMode.FULL);
    }

    @Test
    void shouldCreateABindingWithoutConnecting() throws Exception {
        int closedPort = BrokerProcess.freePort();
        RedisBindingFactory factory = new RedisBindingFactory();
        assertThat(factory.kind()).isEqualTo("redis");

        DataBinding binding = factory.create(context(binding(yaml(List.of("url: redis://127.0.0.1:" + closedPort)))));
        try {
            assertThat(binding.type()).isEqualTo(RedisBinding.class);
            assertThat(binding.perWorker()).isFalse();
            assertThat(binding.forWorker()).isInstanceOf(RedisBinding.class).isSameAs(binding.forWorker());
        } finally {
            binding.close();
        }
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void shouldRequireTheUrl() {
        assertThatThrownBy(() -> config(List.of("maxTotal: 2")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + ATTRIBUTES + ": " + WHERE
                        + ": 'url' is required (as an attribute, as the binding's url, or in secrets)");
    }

    @Test
    void shouldRejectBadUrlsWithoutShowingThePassword() {
        assertError(List.of("url: http://h"), 12, "url", "'http://h' must start with redis:// or rediss://");
        assertError(
                List.of("url: redis://h/db1"),
                12,
                "url",
                "'redis://h/db1': the path must be a database number (/0, /1, ...), got '/db1'");
        for (String bad : List.of(
                "http://app:s3cret@h",
                "redis://app:s3cret@h/x/y",
                "redis://app:s3cret@h?timeout=5",
                "redis://app:s3cret@h b",
                "redis://:s3cret@")) {
            assertThatThrownBy(() -> config(List.of("url: " + bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("function.yaml line 12: " + WHERE + ".url: ")
                    .hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void shouldRejectSettingsGivenTwice() {
        assertError(
                List.of("url: redis://h/2", "database: 3"),
                13,
                "database",
                "is given twice, here and as the url's path (/2); keep one");
        assertError(
                List.of("url: redis://:a@h", "password: b"),
                13,
                "password",
                "is given twice, here and in the url; keep one (a password belongs in secrets)");
        assertError(
                List.of("url: redis://app:a@h", "username: other"),
                13,
                "username",
                "is given twice, here and in the url; keep one");
    }

    @Test
    void shouldPointAtTheSecretWhenASecretIsWrong() {
        assertThatThrownBy(() -> config(
                        List.of("url: redis://:a@h"), Map.of("password", "b"), List.of("password: {env: REDIS_PW}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 14: spec.dataBindings.cache.secrets.password: is given twice, here "
                        + "and in the url; keep one (a password belongs in secrets)")
                .hasMessageNotContaining("REDIS_PW=");
        assertThatThrownBy(() -> config(List.of(URL), Map.of("maxTotal", "3"), List.of("maxTotal: {env: MAX}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 14: spec.dataBindings.cache.secrets.maxTotal: cannot be a secret; "
                        + "only url, username, password can");
    }

    @Test
    void shouldNotShowAUrlFromASecretThatDoesNotParse() {
        assertThatThrownBy(() -> config(
                        List.of("maxTotal: 2"), Map.of("url", "redis://:p@ss/w@h"), List.of("url: {env: REDIS_URL}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 14: spec.dataBindings.cache.secrets.url: is not a valid Redis URL "
                        + "(its value is not shown); expected redis://[user:password@]host:port[/db]");
    }

    @Test
    void shouldRequireAPasswordWithAUsername() {
        assertError(List.of(URL, "username: app"), 13, "username", "needs a password (as a secret, or in the url)");
    }

    @Test
    void shouldRejectBadValuesNamingTheAttribute() {
        assertError(List.of(URL, "database: -1"), 13, "database", "must be an integer from 0 to 2147483647, got '-1'");
        assertError(List.of(URL, "maxTotal: 0"), 13, "maxTotal", "must be an integer from 1 to 10000, got '0'");
        assertError(List.of(URL, "connectTimeout: 0s"), 13, "connectTimeout", "must be from 1ms to 10m");
        assertError(List.of(URL, "socketTimeout: 11m"), 13, "socketTimeout", "must be from 1ms to 10m");
        assertThatThrownBy(() -> config(List.of(URL, "socketTimeout: soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line 13: " + WHERE + ".socketTimeout: ");
    }

    @Test
    void shouldRejectUnknownAttributes() {
        assertThatThrownBy(() -> config(List.of(URL, "pool: 3")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 13: " + WHERE + ".pool: unknown field (known fields: connectTimeout, "
                        + "database, maxTotal, password, socketTimeout, url, username)");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static String yaml(List<String> attributes) {
        return yaml(attributes, List.of());
    }

    private static String yaml(List<String> attributes, List<String> secrets) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    web:
                      kind: http
                  dataBindings:
                    cache:
                      kind: redis
                      attributes:
                """);
        attributes.forEach(line -> yaml.append("        ").append(line).append('\n'));
        if (!secrets.isEmpty()) {
            yaml.append("      secrets:\n");
            secrets.forEach(line -> yaml.append("        ").append(line).append('\n'));
        }
        return yaml.toString();
    }

    private static DataBindingConfig binding(String yaml) {
        return FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .dataBindings()
                .get("cache");
    }

    private static DataBindingContext context(DataBindingConfig binding) {
        return context(binding, Map.of());
    }

    private static DataBindingContext context(DataBindingConfig binding, Map<String, String> secrets) {
        return new DataBindingContext(binding, "fn", secrets, new SimpleMeterRegistry());
    }

    private static RedisBindingConfig config(List<String> attributes) {
        return RedisBindingConfig.from(context(binding(yaml(attributes))));
    }

    private static RedisBindingConfig config(
            List<String> attributes, Map<String, String> secretValues, List<String> secrets) {
        return RedisBindingConfig.from(context(binding(yaml(new ArrayList<>(attributes), secrets)), secretValues));
    }

    private static void assertError(List<String> attributes, int line, String field, String problem) {
        assertThatThrownBy(() -> config(attributes))
                .as("%s", attributes)
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line " + line + ": " + WHERE + "." + field + ": " + problem);
    }
}
