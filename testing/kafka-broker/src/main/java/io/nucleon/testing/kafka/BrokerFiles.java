package io.nucleon.testing.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One broker's temporary directory: its configuration, data and logs, and the two loopback ports
 * written into that configuration. Kept across {@link KafkaBroker#restart()}, deleted on close.
 */
final class BrokerFiles {
    /** Literal IPv4 loopback: the broker advertises this address, so clients must not resolve to ::1. */
    static final InetAddress LOOPBACK = loopback();

    private static final int LOG_TAIL_LINES = 60;
    private static final int OUTPUT_TAIL_LINES = 20;
    private static final int CONNECT_TIMEOUT_MS = 500;

    private final Path dir;
    private final int port;
    private final int controllerPort;

    private BrokerFiles(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Picks free ports ({@code port} 0) or uses the given client port, and writes the config files. */
    static BrokerFiles create(int port) {
        if (port != 0) {
            requireFree(port);
        }
        try {
            int[] free = freePorts(2);
            BrokerFiles files =
                    new BrokerFiles(Files.createTempDirectory("nucleon-kafka-"), port == 0 ? free[0] : port, free[1]);
            files.writeServerProperties();
            files.writeLog4jConfig();
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the Kafka broker's directory: " + e.getMessage(), e);
        }
    }

    int port() {
        return port;
    }

    String bootstrapServers() {
        return LOOPBACK.getHostAddress() + ":" + port;
    }

    Path dir() {
        return dir;
    }

    Path serverProperties() {
        return dir.resolve("server.properties");
    }

    Path log4jConfig() {
        return dir.resolve("log4j2.xml");
    }

    Path brokerLog() {
        return dir.resolve("broker.log");
    }

    /** stdout and stderr of the broker JVM: where it reports what happens before logging starts. */
    Path processOutput() {
        return dir.resolve("broker.out");
    }

    Path formatOutput() {
        return dir.resolve("storage-format.out");
    }

    /** A plain TCP probe first, so the Admin client does not log a warning per refused connection. */
    boolean portAcceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a person needs to see when the broker fails: the end of its log and of its JVM's output. */
    String logTail() {
        return tail(brokerLog(), LOG_TAIL_LINES) + tail(processOutput(), OUTPUT_TAIL_LINES);
    }

    static String tail(Path file, int lines) {
        List<String> all;
        try {
            // Decoded leniently: a log cut mid-character must still be shown.
            all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")\n";
        }
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        // The name only: by the time someone reads this, close() has usually deleted the directory.
        return "--- last " + last.size() + " lines of " + file.getFileName() + " ---\n" + String.join("\n", last)
                + "\n";
    }

    /** Best effort: a leftover temp directory is not worth failing a test run over. */
    void delete() {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Nothing to do: the directory is in java.io.tmpdir.
        }
    }

    private void writeServerProperties() throws IOException {
        Properties props = new Properties();
        String host = LOOPBACK.getHostAddress();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        props.setProperty(
                "listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", dir.resolve("data").toString());
        props.setProperty("num.partitions", "1");
        props.setProperty("auto.create.topics.enable", "true");
        props.setProperty("default.replication.factor", "1");
        props.setProperty("min.insync.replicas", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // One node: every internal topic must fit on it, and few partitions make first use fast.
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "3");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("transaction.state.log.num.partitions", "3");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.num.partitions", "3");
        // After a kill, the restarted controller refuses the broker's new registration until the old
        // one's session expires: 9 s by default, 3 s here. Heartbeats must come at least twice a session.
        props.setProperty("broker.session.timeout.ms", "3000");
        props.setProperty("broker.heartbeat.interval.ms", "500");
        // The default 128 MB cleaner buffer would be a quarter of the broker's heap, for no use in tests.
        props.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        try (OutputStream out = Files.newOutputStream(serverProperties())) {
            props.store(out, "Single-node KRaft broker for Nucleon tests (written by KafkaBroker)");
        }
    }

    private void writeLog4jConfig() throws IOException {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders>
                    <File name="file" fileName="%s" append="true">
                      <PatternLayout pattern="[%%d] %%p %%m (%%c)%%n"/>
                    </File>
                  </Appenders>
                  <Loggers>
                    <!-- INFO only for the server lifecycle, which says when and why it started or stopped. -->
                    <Logger name="kafka.server.BrokerServer" level="INFO"/>
                    <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                    <Root level="WARN">
                      <AppenderRef ref="file"/>
                    </Root>
                  </Loggers>
                </Configuration>
                """.formatted(xmlEscape(brokerLog().toString()));
        Files.writeString(log4jConfig(), xml);
    }

    private static String xmlEscape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** Holds all sockets open until each has its port, so the ports differ from one another. */
    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, LOOPBACK);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    /** Says so before a broker JVM starts, rather than after it has failed to bind. */
    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, LOOPBACK)) {
            probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " on " + LOOPBACK.getHostAddress()
                    + " is in use (another Kafka broker?): choose another port, or 0 for a free one.");
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
