package io.nucleon.config;

import static io.nucleon.config.FunctionConfigLoaderTest.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code spec.dataBindings} and {@code spec.cache}. */
class DataBindingAndCacheConfigTest {

    @Test
    void shouldReadBindingsInFileOrderWithUrlAttributesAndSecrets() {
        FunctionSpec spec = parse(MINIMAL + """
                  dataBindings:
                    orders:
                      kind: kafka
                      url: 127.0.0.1:9092
                      attributes:
                        topic: orders
                    db:
                      kind: jdbc
                      attributes:
                        url: jdbc:postgresql://127.0.0.1:5432/test
                        username: app
                      secrets:
                        password:
                          env: DB_PASSWORD
                        sslKey: {file: /run/secrets/db-key}
                """);

        assertThat(spec.dataBindings()).containsOnlyKeys("orders", "db");
        assertThat(spec.dataBindings().keySet()).containsExactly("orders", "db");
        DataBindingConfig orders = spec.dataBindings().get("orders");
        assertThat(orders.kind()).isEqualTo("kafka");
        assertThat(orders.attributes().string("url")).isEqualTo("127.0.0.1:9092");
        assertThat(orders.attributes().string("topic")).isEqualTo("orders");
        assertThat(orders.secrets()).isEmpty();
        DataBindingConfig db = spec.dataBindings().get("db");
        assertThat(db.secrets().get("password"))
                .extracting(SecretRef::source, SecretRef::reference)
                .containsExactly(SecretRef.Source.ENV, "DB_PASSWORD");
        assertThat(db.secrets().get("sslKey").describe()).isEqualTo("file /run/secrets/db-key");
    }

    @Test
    void shouldHaveNoBindingsAndTheDefaultCacheWhenOmitted() {
        FunctionSpec spec = parse(MINIMAL);

        assertThat(spec.dataBindings()).isEmpty();
        assertThat(spec.cache().maxEntries()).hasValue(CacheConfig.DEFAULT_MAX_ENTRIES);
        assertThat(spec.cache().maxWeightBytes()).isEmpty();
        assertThat(spec.cache().ttl()).isEmpty();
    }

    @Test
    void shouldReadCacheBounds() {
        assertThat(parse(MINIMAL + "  cache: {maxEntries: 500, ttl: 30s}\n").cache())
                .extracting(CacheConfig::maxEntries, CacheConfig::ttl)
                .containsExactly(java.util.OptionalLong.of(500), java.util.Optional.of(Duration.ofSeconds(30)));
        assertThat(parse(MINIMAL + "  cache: {maxWeightBytes: 64Mi}\n").cache().maxWeightBytes())
                .hasValue(64L * 1024 * 1024);
    }

    @Test
    void shouldRejectBothCacheBounds() {
        assertThat(error(MINIMAL + "  cache:\n    maxEntries: 5\n    maxWeightBytes: 1Mi\n"))
                .isEqualTo("function.yaml line 9: spec.cache.maxWeightBytes: cannot be set together with maxEntries:"
                        + " the cache is bounded by one of them");
    }

    @Test
    void shouldRejectZeroTtlAndUnknownCacheField() {
        assertThat(error(MINIMAL + "  cache: {ttl: 0s}\n")).contains("spec.cache.ttl: must be longer than 0");
        assertThat(error(MINIMAL + "  cache: {size: 5}\n"))
                .contains("spec.cache.size: unknown field (known fields: maxEntries, maxWeightBytes, ttl)");
    }

    @Test
    void shouldRejectASecretValueWrittenInline() {
        assertThat(error(MINIMAL + """
                  dataBindings:
                    db:
                      kind: jdbc
                      secrets:
                        password: hunter2
                """))
                .startsWith("function.yaml line 11: spec.dataBindings.db.secrets.password: must name where the secret"
                        + " is read")
                .doesNotContain("hunter2");
    }

    @Test
    void shouldRejectASecretWithTwoOrNoSources() {
        String both = MINIMAL + """
                  dataBindings:
                    db:
                      kind: jdbc
                      secrets:
                        password: {env: A, file: /b}
                """;
        assertThat(error(both)).contains("needs exactly one of 'env: VARIABLE' and 'file: /path'");
        assertThat(error(both.replace("{env: A, file: /b}", "{vault: x}")))
                .contains("spec.dataBindings.db.secrets.password.vault: unknown field (known fields: env, file)");
    }

    @Test
    void shouldRejectAnAttributeThatIsAlsoASecret() {
        assertThat(error(MINIMAL + """
                  dataBindings:
                    db:
                      kind: jdbc
                      attributes:
                        password: plain
                      secrets:
                        password: {env: DB_PASSWORD}
                """))
                .contains("spec.dataBindings.db.secrets.password: is set twice: as a secret and in"
                        + " attributes.password");
    }

    @Test
    void shouldRequireKindAndRejectUnknownBindingFields() {
        assertThat(error(MINIMAL + "  dataBindings:\n    db:\n      url: x\n"))
                .isEqualTo("function.yaml line 8: spec.dataBindings.db.kind: is required");
        assertThat(error(MINIMAL + "  dataBindings:\n    db:\n      kind: jdbc\n      password: x\n"))
                .contains("spec.dataBindings.db.password: unknown field (known fields: attributes, kind, name,"
                        + " secrets, url)");
    }

    @Test
    void shouldRejectABadBindingName() {
        assertThat(error(MINIMAL + "  dataBindings:\n    'my db':\n      kind: jdbc\n"))
                .contains("a data binding's name must be letters, digits");
    }

    private static FunctionSpec parse(String yaml) {
        return FunctionConfigLoader.parse(yaml, "function.yaml").spec();
    }

    private static String error(String yaml) {
        assertThatThrownBy(() -> FunctionConfigLoader.parse(yaml, "function.yaml"))
                .isInstanceOf(ConfigException.class);
        try {
            FunctionConfigLoader.parse(yaml, "function.yaml");
            throw new AssertionError("unreachable");
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }
}
