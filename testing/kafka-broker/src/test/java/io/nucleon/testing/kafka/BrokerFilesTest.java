package io.nucleon.testing.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Properties;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerFilesTest {
    private final BrokerFiles files = BrokerFiles.create(0);

    @AfterEach
    void deleteFiles() {
        files.delete();
    }

    @Test
    void shouldConfigureOneLoopbackNodeAsBrokerAndController() throws IOException {
        Properties props = serverProperties();

        assertThat(props.getProperty("process.roles")).isEqualTo("broker,controller");
        String controller = props.getProperty("controller.quorum.voters").replace("1@", "");
        assertThat(props.getProperty("listeners"))
                .isEqualTo("PLAINTEXT://" + files.bootstrapServers() + ",CONTROLLER://" + controller);
        assertThat(props.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://" + files.bootstrapServers());
        assertThat(controller).startsWith("127.0.0.1:").isNotEqualTo(files.bootstrapServers());
        assertThat(props.getProperty("log.dirs")).startsWith(files.dir().toString());
    }

    @Test
    void shouldReplicateEveryInternalTopicOnlyOnce() throws IOException {
        Properties props = serverProperties();

        assertThat(props.stringPropertyNames())
                .filteredOn(name -> name.endsWith("replication.factor") || name.endsWith("min.isr"))
                .hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(name -> assertThat(props.getProperty(name)).isEqualTo("1"));
    }

    @Test
    void shouldUseTheRequestedClientPort() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, BrokerFiles.LOOPBACK)) {
            port = probe.getLocalPort();
        }
        BrokerFiles fixed = BrokerFiles.create(port);
        try {
            assertThat(fixed.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
        } finally {
            fixed.delete();
        }
    }

    @Test
    void shouldRefuseARequestedPortThatIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, BrokerFiles.LOOPBACK)) {
            assertThatThrownBy(() -> BrokerFiles.create(taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
        }
    }

    @Test
    void shouldShowTheEndOfTheBrokerLog() throws IOException {
        Files.writeString(
                files.brokerLog(),
                String.join(
                        "\n", IntStream.range(0, 100).mapToObj(i -> "line " + i).toList()));

        assertThat(files.logTail()).contains("line 99", "line 40").doesNotContain("line 39\n");
    }

    @Test
    void shouldDeleteItsDirectory() {
        files.delete();

        assertThat(files.dir()).doesNotExist();
    }

    private Properties serverProperties() throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(files.serverProperties())) {
            props.load(reader);
        }
        return props;
    }
}
