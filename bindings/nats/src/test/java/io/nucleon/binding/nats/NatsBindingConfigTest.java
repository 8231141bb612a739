package io.nucleon.binding.nats;

import static io.nucleon.binding.nats.BindingYaml.context;
import static io.nucleon.binding.nats.BindingYaml.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nats binding's attributes and secrets, read from a function.yaml: defaults, forms and errors. */
class NatsBindingConfigTest {

    @Test
    void shouldFillDefaultsWhenOnlyTheUrlIsGiven() {
        NatsBindingConfig config = NatsBindingConfig.from(context("url: nats://127.0.0.1:4222"));

        assertThat(config.servers()).containsExactly("nats://127.0.0.1:4222");
        assertThat(config.username()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.token()).isEmpty();
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxReconnects()).isEqualTo(-1);
        assertThat(config.reconnectWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.jetStreamTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldReadEveryAttribute() {
        NatsBindingConfig config = NatsBindingConfig.from(context(
                "attributes:",
                "  url: nats://a:4222",
                "  username: app",
                "  password: pw",
                "  connectionTimeout: 2s",
                "  maxReconnects: 10",
                "  reconnectWait: 250ms",
                "  jetStreamTimeout: 3s"));

        assertThat(config.servers()).containsExactly("nats://a:4222");
        assertThat(config.username()).isEqualTo("app");
        assertThat(config.password()).isEqualTo("pw");
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxReconnects()).isEqualTo(10);
        assertThat(config.reconnectWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.jetStreamTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldTakeSeveralServersCommaSeparatedOrAsAListWithBareHostsAsNats() {
        NatsBindingConfig commas = NatsBindingConfig.from(context("url: nats://a:4222, tls://b:4443,c:4222"));
        NatsBindingConfig list =
                NatsBindingConfig.from(context("attributes:", "  url: [nats://a:4222, tls://b:4443, c:4222]"));

        assertThat(commas.servers()).containsExactly("nats://a:4222", "tls://b:4443", "nats://c:4222");
        assertThat(list.servers()).isEqualTo(commas.servers());
    }

    @Test
    void shouldRequireTheUrl() {
        assertThatThrownBy(() -> NatsBindingConfig.from(context("attributes: {connectionTimeout: 1s}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'url' is required");
    }

    @Test
    void shouldRejectAServerOfAnotherSchemeNamingItsLineWithCredentialsMasked() {
        assertThatThrownBy(() -> NatsBindingConfig.from(context("url: nats://a:4222,http://user:hunter2@b:80")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + line(0))
                .hasMessageContaining("'http://***@b:80' must start with nats:// or tls://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldNeverQuoteAUrlFromSecrets() {
        String secretUrl = "http://user:hunter2@b:80";

        assertThatThrownBy(() -> NatsBindingConfig.from(
                        context(List.of("secrets:", "  url: {env: NATS_URL}"), Map.of("url", secretUrl))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + line(1))
                .hasMessageContaining("a server in the url secret must start with nats:// or tls://")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("b:80");
    }

    @Test
    void shouldTakeCredentialsFromSecretsAndMaskThemWhenPrinted() {
        NatsBindingConfig config = NatsBindingConfig.from(context(
                List.of(
                        "url: nats://user:urlpass@a:4222",
                        "secrets:",
                        "  username: {env: NATS_USER}",
                        "  password: {file: /run/secrets/nats}"),
                Map.of("username", "app", "password", "hunter2")));

        assertThat(config.username()).isEqualTo("app");
        assertThat(config.password()).isEqualTo("hunter2");
        assertThat(config.toString())
                .doesNotContain("hunter2")
                .doesNotContain("urlpass")
                .doesNotContain("app")
                .contains("nats://***@a:4222");
        assertThat(config.describeServers()).isEqualTo("nats://***@a:4222");
    }

    @Test
    void shouldRejectAnUnknownAttributeListingTheKnownOnes() {
        assertThatThrownBy(() -> NatsBindingConfig.from(context("url: nats://a:4222", "attributes:", "  topic: x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + line(2))
                .hasMessageContaining("unknown field")
                .hasMessageContaining("jetStreamTimeout");
    }

    @Test
    void shouldRejectASecretForAnAttributeThatIsNotSecret() {
        assertThatThrownBy(() -> NatsBindingConfig.from(context(
                        List.of("url: nats://a:4222", "secrets:", "  reconnectWait: {env: WAIT}"),
                        Map.of("reconnectWait", "1s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + line(2))
                .hasMessageContaining("is not a secret attribute");
    }

    @Test
    void shouldRequireUsernameAndPasswordTogether() {
        assertThatThrownBy(() -> NatsBindingConfig.from(context("url: nats://a:4222", "attributes: {username: app}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("username: needs 'password' as well");
        assertThatThrownBy(() -> NatsBindingConfig.from(context(
                        List.of("url: nats://a:4222", "secrets:", "  password: {env: NATS_PASSWORD}"),
                        Map.of("password", "hunter2"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line " + line(2))
                .hasMessageContaining("needs 'username' as well")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldRejectATokenTogetherWithAUser() {
        assertThatThrownBy(() -> NatsBindingConfig.from(
                        context("url: nats://a:4222", "attributes: {username: app, password: pw, token: t}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("token: cannot be combined with 'username'/'password'");
    }

    @Test
    void shouldRejectAnEmptyCredential() {
        assertThatThrownBy(() -> NatsBindingConfig.from(
                        context(List.of("url: nats://a:4222", "secrets:", "  token: {env: T}"), Map.of("token", " "))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must not be empty");
    }

    @Test
    void shouldBoundTheConnectionTimeoutBelowTheChecksThirtySeconds() {
        assertThatThrownBy(() ->
                        NatsBindingConfig.from(context("url: nats://a:4222", "attributes: {connectionTimeout: 21s}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectionTimeout: must be at most 20s");
        assertThatThrownBy(() ->
                        NatsBindingConfig.from(context("url: nats://a:4222", "attributes: {connectionTimeout: 0s}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectionTimeout: must be longer than 0");
    }

    @Test
    void shouldRejectBadNumbersAndDurations() {
        assertThatThrownBy(
                        () -> NatsBindingConfig.from(context("url: nats://a:4222", "attributes: {maxReconnects: -2}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("maxReconnects: must be an integer from -1");
        assertThatThrownBy(
                        () -> NatsBindingConfig.from(context("url: nats://a:4222", "attributes: {reconnectWait: 0ms}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("reconnectWait: must be longer than 0");
        assertThatThrownBy(() ->
                        NatsBindingConfig.from(context("url: nats://a:4222", "attributes: {jetStreamTimeout: soon}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jetStreamTimeout: must be a duration");
    }

    @Test
    void shouldRejectAUrlWithoutServers() {
        assertThatThrownBy(() -> NatsBindingConfig.from(context("url: ' , '")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must name at least one server");
    }

    @Test
    void shouldMaskCredentialsInAnyText() {
        assertThat(NatsBindingConfig.redact("Unable to connect to NATS servers: [nats://u:p@a:4222, nats://tok@b:1]"))
                .isEqualTo("Unable to connect to NATS servers: [nats://***@a:4222, nats://***@b:1]");
        assertThat(NatsBindingConfig.redact("nats://u:p@ss@a:4222")).isEqualTo("nats://***@a:4222");
        assertThat(NatsBindingConfig.redact("nats://a:4222")).isEqualTo("nats://a:4222");
    }
}
