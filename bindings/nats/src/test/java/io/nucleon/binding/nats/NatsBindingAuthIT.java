package io.nucleon.binding.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Subscription;
import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.processor.HttpProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A NATS server of the test's own that wants a user and password, the password read from a secret file. */
class NatsBindingAuthIT {

    private static final String USER = "app";
    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path secrets;

    private BrokerProcess server;
    private NatsTestClient nats;

    @BeforeEach
    void startServer() {
        server = BrokerProcess.start(
                "nats-auth",
                "nats-server",
                (port, dir) ->
                        List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "--user", USER, "--pass", PASSWORD));
        nats = new NatsTestClient("nats://" + USER + ":" + PASSWORD + "@" + server.address());
    }

    @AfterEach
    void stopServer() {
        if (nats != null) {
            nats.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldConnectWithThePasswordFromASecretFile() throws Exception {
        String subject = nats.subject("orders");
        Subscription subscription = nats.subscribe(subject);

        try (HttpProcessor processor = nats.start(url(), bindingSecrets(PASSWORD))) {
            assertThat(processor.post("/publish?subject=" + subject, "o1").statusCode())
                    .isEqualTo(200);

            assertThat(NatsTestClient.nextBody(subscription)).isEqualTo("o1");
        }
    }

    @Test
    void shouldFailTheStartWithTheServersRefusalWithoutShowingThePassword() throws IOException {
        String wrong = "not-the-password";
        // the client waits out connectionTimeout after the server's refusal before it gives up
        String[] lines = bindingSecrets(wrong, "  connectionTimeout: 2s");

        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings(
                        nats.function(), NatsFunction.class.getName(), NatsTestClient.busYaml(url(), lines))))
                .hasMessageContaining("data binding 'bus'")
                .hasMessageContaining("Authorization Violation")
                .hasMessageNotContaining(wrong);
    }

    private String url() {
        return "nats://" + server.address();
    }

    private String[] bindingSecrets(String password, String... moreAttributes) throws IOException {
        Path file = secrets.resolve("nats-password");
        Files.writeString(file, password + "\n");
        List<String> lines = new ArrayList<>(List.of("attributes:", "  username: " + USER));
        lines.addAll(List.of(moreAttributes));
        lines.addAll(List.of("secrets:", "  password: {file: " + file + "}"));
        return lines.toArray(String[]::new);
    }
}
