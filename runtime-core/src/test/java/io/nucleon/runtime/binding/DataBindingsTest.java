package io.nucleon.runtime.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.DataBindingConfig;
import io.nucleon.config.FunctionConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating, checking, looking up and closing data bindings, with the {@code test-kv} kind of {@link TestBindings}. */
class DataBindingsTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void reset() {
        TestBindings.reset();
    }

    @Test
    void shouldCreateAllThenCheckInFileOrderAndCloseInReverse() {
        DataBindings bindings = open(Map.of(), """
                    first: {kind: test-kv}
                    second: {kind: test-kv-alias}
                """);
        bindings.checkAll();
        bindings.close();

        assertThat(TestBindings.EVENTS)
                .containsExactly(
                        "create first", "create second", "check first", "check second", "close second", "close first");
    }

    @Test
    void shouldLookUpByNameAndType() {
        try (DataBindings bindings = open(Map.of(), "    kv: {kind: test-kv}\n")) {
            assertThat(bindings.lookup("kv", TestBindings.KeyValue.class).forWorker())
                    .isInstanceOf(TestBindings.KeyValue.class);
            assertThat(bindings.lookup("kv", Object.class)).isNotNull();
            assertThat(bindings.kinds()).containsExactly(Map.entry("kv", "test-kv"));
        }
    }

    @Test
    void shouldNameTheBindingsThereAreForAnUnknownName() {
        try (DataBindings bindings = open(Map.of(), "    kv: {kind: test-kv}\n    other: {kind: test-kv}\n")) {
            assertThatThrownBy(() -> bindings.lookup("orders", TestBindings.KeyValue.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no data binding named 'orders' (spec.dataBindings has kv, other)");
        }
    }

    @Test
    void shouldNameTheTypeABindingGivesWhenAskedForAnother() {
        try (DataBindings bindings = open(Map.of(), "    kv: {kind: test-kv}\n")) {
            assertThatThrownBy(() -> bindings.lookup("kv", String.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("data binding 'kv' is of kind test-kv and gives a "
                            + TestBindings.KeyValue.class.getName() + ", not a java.lang.String");
        }
    }

    @Test
    void shouldListTheKindsThereAreForAnUnknownKind() {
        assertThatThrownBy(() -> open(Map.of(), "    kv: {kind: mongo}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 8: spec.dataBindings.kv.kind: unknown data binding kind 'mongo'"
                        + " (available: test-kv, test-kv-alias)");
    }

    @Test
    void shouldNameTheBindingWhoseCheckFailsWithTheCauseAndCloseTheOthers() {
        DataBindings bindings = open(Map.of(), """
                    good: {kind: test-kv}
                    broken: {kind: test-kv, attributes: {check: fail}}
                """);

        assertThatThrownBy(bindings::checkAll)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("data binding 'broken' (kind test-kv, function.yaml line 9): check at start failed:"
                        + " connection refused: port 1");
        bindings.close();
        assertThat(TestBindings.EVENTS).endsWith("close broken", "close good");
    }

    @Test
    void shouldGiveUpOnACheckThatDoesNotAnswer() {
        try (DataBindings bindings = open(Map.of(), "    slow: {kind: test-kv, attributes: {check: hang}}\n")) {
            assertThatThrownBy(() -> bindings.checkAll(Duration.ofMillis(200)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("data binding 'slow'")
                    .hasMessageEndingWith("check at start got no answer within 200 ms");
        } finally {
            TestBindings.unblock.countDown();
        }
    }

    @Test
    void shouldRejectAnAttributeTheKindDoesNotKnow() {
        assertThatThrownBy(() -> open(Map.of(), "    kv: {kind: test-kv, attributes: {colour: red}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.dataBindings.kv.attributes.colour: unknown field");
    }

    @Test
    void shouldRejectASecretTheKindDoesNotKnow() {
        assertThatThrownBy(() -> open(Map.of("X", "v"), """
                    kv:
                      kind: test-kv
                      secrets:
                        apiKey: {env: X}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.dataBindings.kv.secrets.apiKey: unknown secret (known secrets: check,"
                        + " password, perWorker, url)");
    }

    @Test
    void shouldReadSecretsFromTheEnvironmentAndFilesAsAttributes() throws Exception {
        Path file = Files.writeString(tmp.resolve("url"), "redis://db:6379\n");
        try (DataBindings ignored = open(Map.of("DB_PASSWORD", "s3cret"), """
                    kv:
                      kind: test-kv
                      secrets:
                        password: {env: DB_PASSWORD}
                        url: {file: %s}
                """.formatted(file))) {
            var context = TestBindings.CONTEXTS.get("kv");
            assertThat(context.value("password")).isEqualTo("s3cret");
            assertThat(context.value("url"))
                    .as("one trailing line break dropped")
                    .isEqualTo("redis://db:6379");
            assertThat(context.isSecret("password")).isTrue();
            assertThat(context.optionalValue("check")).isEmpty();
        }
    }

    @Test
    void shouldSayWhichVariableIsMissingWithoutAnyValue() {
        assertThatThrownBy(() -> open(Map.of(), """
                    kv:
                      kind: test-kv
                      secrets:
                        password: {env: DB_PASSWORD}
                """))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("data binding 'kv': secret 'password' (function.yaml line 11): environment variable"
                        + " DB_PASSWORD is not set");
        assertThat(TestBindings.EVENTS).as("nothing created").isEmpty();
    }

    @Test
    void shouldSayWhichFileCannotBeRead() {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> open(Map.of(), """
                    kv:
                      kind: test-kv
                      secrets:
                        password: {file: %s}
                """.formatted(missing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("cannot read file " + missing + " (NoSuchFileException)");
    }

    @Test
    void shouldCloseTheCreatedOnesWhenALaterOneIsInvalid() {
        assertThatThrownBy(() -> open(Map.of(), "    a: {kind: test-kv}\n    b: {kind: nope}\n"))
                .isInstanceOf(ConfigException.class);
        assertThat(TestBindings.EVENTS).containsExactly("create a", "close a");
    }

    private static DataBindings open(Map<String, String> environment, String bindings) {
        String yaml = """
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: bindings-test
                spec:
                  handler: com.example.Handler
                  dataBindings:
                """ + bindings;
        Map<String, DataBindingConfig> configs =
                FunctionConfigLoader.parse(yaml, "function.yaml").spec().dataBindings();
        return DataBindings.create(
                configs,
                DataBindingsTest.class.getClassLoader(),
                environment::get,
                "bindings-test",
                new SimpleMeterRegistry());
    }
}
