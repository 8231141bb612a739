package io.nucleon.binding.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Options;
import io.nucleon.runtime.spi.DataBindingFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The factory: found by its kind, creating a binding without touching the network. */
class NatsBindingFactoryTest {

    @Test
    void shouldBeFoundThroughServiceLoaderByItsKind() {
        assertThat(ServiceLoader.load(DataBindingFactory.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(factory -> factory.kind().equals("nats"))
                        .toList())
                .singleElement()
                .isInstanceOf(NatsBindingFactory.class);
    }

    @Test
    void shouldBuildTheClientOptionsWithoutConnecting() throws Exception {
        // nothing listens on port 1: create must not try
        try (NatsDataBinding binding = (NatsDataBinding) new NatsBindingFactory()
                .create(BindingYaml.context(
                        "url: nats://127.0.0.1:1,nats://127.0.0.1:2",
                        "attributes:",
                        "  connectionTimeout: 2s",
                        "  maxReconnects: 7",
                        "  reconnectWait: 300ms"))) {
            Options options = binding.options();

            assertThat(binding.type()).isEqualTo(NatsBinding.class);
            assertThat(binding.perWorker()).isFalse();
            assertThat(options.getServers())
                    .containsExactlyInAnyOrder(URI.create("nats://127.0.0.1:1"), URI.create("nats://127.0.0.1:2"));
            assertThat(options.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(options.getMaxReconnect()).isEqualTo(7);
            assertThat(options.getReconnectWait()).isEqualTo(Duration.ofMillis(300));
            assertThat(options.getConnectionName()).isEqualTo("nucleon/fn/bus");
        }
    }

    @Test
    void shouldPassCredentialsFromSecretsToTheClient() throws Exception {
        try (NatsDataBinding binding = (NatsDataBinding) new NatsBindingFactory()
                .create(BindingYaml.context(
                        List.of("url: nats://127.0.0.1:1", "secrets:", "  token: {env: NATS_TOKEN}"),
                        Map.of("token", "s3cret")))) {
            assertThat(binding.options().getTokenChars()).containsExactly("s3cret".toCharArray());
            assertThat(binding.toString()).doesNotContain("s3cret");
        }
    }

    @Test
    void shouldRefuseWorkersBeforeTheCheckConnected() throws Exception {
        try (NatsDataBinding binding =
                (NatsDataBinding) new NatsBindingFactory().create(BindingYaml.context("url: nats://127.0.0.1:1"))) {
            assertThatThrownBy(binding::forWorker)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("data binding 'bus' is not connected yet");
        }
    }
}
