package io.nucleon.testing.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker for tests and local runs: one KRaft node that is both broker and
 * controller, listening on two free loopback ports, running in a child JVM from the jars this module
 * was built with. Nothing needs to be installed and no Docker is involved.
 *
 * <p>JUnit 5 tests should use {@link KafkaBrokerExtension}, which shares one broker per test JVM.
 * Direct use:
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start()) {
 *     broker.createTopic("orders", 3);
 *     var producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), ...));
 * }
 * }</pre>
 *
 * <p>Data and logs live in a temporary directory that {@link #close()} deletes. A JVM shutdown hook,
 * and a watch on its parent inside the broker JVM, stop the broker even if {@code close()} is never
 * called. Failures are {@link IllegalStateException}s whose message ends with the tail of the
 * broker's log. Thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

    /** A cold start takes a few seconds; the rest is headroom for a loaded two-core CI machine. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final long POLL_INTERVAL_MS = 50;
    private static final int ADMIN_CALL_TIMEOUT_MS = 5_000;

    /** Probed ports can be taken by another process before the broker binds them; then pick again. */
    private static final int START_ATTEMPTS = 3;

    private final BrokerFiles files;
    private final BrokerCommand command;
    private final Thread shutdownHook;

    /** Created once the port is open: a new Admin fetches metadata at once, warning per refused connection. */
    private volatile Admin admin;

    /** Read without the lock by the shutdown hook, which must not wait for a start in progress. */
    private volatile Process process;

    private volatile boolean closed;

    /** Set by the format; tells this broker from any other that might answer on its port. */
    private String clusterId;

    private KafkaBroker(BrokerFiles files, String classpath) {
        this.files = files;
        this.command = new BrokerCommand(files, classpath);
        this.shutdownHook = new Thread(this::stopAtJvmExit, "kafka-broker-" + files.port() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a new broker on free loopback ports with an empty data directory, and returns once it
     * answers clients.
     *
     * @throws IllegalStateException if it is not ready within 60 s; the message ends with its log
     */
    public static KafkaBroker start() {
        return start(0);
    }

    /** {@code port} 0 picks a free client port; {@link KafkaBrokerMain} lets a user choose one. */
    static KafkaBroker start(int port) {
        String classpath = BrokerClasspath.load();
        for (int attempt = 1; ; attempt++) {
            KafkaBroker broker = new KafkaBroker(BrokerFiles.create(port), classpath);
            try {
                broker.formatAndLaunch();
                return broker;
            } catch (PortTakenException e) {
                broker.close();
                if (port != 0 || attempt == START_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("A Kafka broker port was taken before the broker could bind it; trying other ports");
            } catch (RuntimeException | Error e) {
                broker.close();
                throw e;
            }
        }
    }

    /** The {@code bootstrap.servers} value for clients: {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return files.bootstrapServers();
    }

    /**
     * An Admin client for this broker, shared and closed by this broker: do not close it. It survives
     * {@link #kill()} and {@link #restart()}, since the broker comes back on the same port.
     */
    public Admin admin() {
        return admin;
    }

    /**
     * Creates a topic with replication factor 1, and returns once every partition has a leader so
     * that producers and consumers can use it at once. An existing topic with the same partition
     * count is accepted, so tests may call this in a {@code @BeforeEach}.
     *
     * @throws IllegalStateException if the topic exists with another partition count, or is not
     *     usable within 30 s
     */
    public void createTopic(String name, int partitions) {
        Deadline deadline = Deadline.after(TOPIC_TIMEOUT);
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        while (!created(topic, deadline)) {
            pause();
        }
        while (!hasLeaders(name, partitions, deadline)) {
            pause();
        }
    }

    /**
     * Kills the broker process with SIGKILL, as a crash or a lost machine would, and returns once it
     * is gone. Data written so far stays on disk for {@link #restart()}.
     */
    public synchronized void kill() {
        checkOpen();
        Process current = process;
        current.destroyForcibly();
        awaitExit(current);
    }

    /** Stops the broker gracefully (SIGTERM), keeping its data and ports for {@link #restart()}. */
    public synchronized void stop() {
        checkOpen();
        stopProcess(process);
    }

    /**
     * Starts the broker again on the same ports and data directory, stopping it first if it is
     * running, and returns once it answers clients.
     *
     * @throws IllegalStateException if it is not ready within 60 s; the message ends with its log
     */
    public synchronized void restart() {
        checkOpen();
        stopProcess(process);
        long startNanos = System.nanoTime();
        launch(Deadline.after(READY_TIMEOUT));
        LOG.info("Kafka broker restarted at {} in {} ms", bootstrapServers(), millisSince(startNanos));
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s) and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close(ADMIN_CLOSE_TIMEOUT);
        }
        stopProcess(process);
        files.delete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, and the hook is running or about to: nothing to undo.
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + files.dir() + "]";
    }

    /** For {@link KafkaBrokerExtension}: one test's kill() must not break the tests after it. */
    synchronized void ensureRunning() {
        checkOpen();
        if (process == null || !process.isAlive()) {
            LOG.info("Kafka broker at {} was left stopped by an earlier test; restarting it", bootstrapServers());
            restart();
        }
    }

    /** For {@link KafkaBrokerMain}: blocks until the broker process exits, and returns its exit code. */
    int awaitProcessExit() throws InterruptedException {
        return process.waitFor();
    }

    boolean closed() {
        return closed;
    }

    String logTail() {
        return files.logTail();
    }

    private synchronized void formatAndLaunch() {
        long startNanos = System.nanoTime();
        Deadline deadline = Deadline.after(READY_TIMEOUT);
        clusterId = command.format(deadline);
        launch(deadline);
        LOG.info(
                "Kafka broker ready at {} in {} ms (files in {})",
                bootstrapServers(),
                millisSince(startNanos),
                files.dir());
    }

    private void launch(Deadline deadline) {
        process = command.startBroker();
        while (!answersClients()) {
            if (!process.isAlive()) {
                throw failure("exited with code " + process.exitValue() + " before becoming ready");
            }
            if (deadline.passed()) {
                throw failure("did not become ready within " + READY_TIMEOUT.toSeconds() + " s");
            }
            pause();
        }
    }

    /**
     * Ready means unfenced (describeCluster lists only brokers that may lead partitions) and ours: a
     * port probed free can be taken by another broker before ours binds it. Any failure means "still
     * starting"; the deadline's failure shows the log if it never gets there.
     */
    private boolean answersClients() {
        if (!files.portAcceptsConnections()) {
            return false;
        }
        if (admin == null) {
            admin = Admin.create(adminConfig(files.bootstrapServers()));
        }
        DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs(ADMIN_CALL_TIMEOUT_MS);
        try {
            DescribeClusterResult cluster = admin.describeCluster(options);
            return clusterId.equals(cluster.clusterId().get())
                    && !cluster.nodes().get().isEmpty();
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }

    private boolean created(NewTopic topic, Deadline deadline) {
        try {
            // all() completes with null: map it to a value, so that "done" and "retry" differ.
            KafkaFuture<Boolean> done = admin.createTopics(List.of(topic)).all().thenApply(ignored -> true);
            return getOrRetry(done, deadline, "create topic '" + topic.name() + "'")
                    .isPresent();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return true;
            }
            throw e;
        }
    }

    private boolean hasLeaders(String name, int partitions, Deadline deadline) {
        DescribeTopicsOptions options = new DescribeTopicsOptions().timeoutMs(callTimeoutMs(deadline));
        TopicDescription topic = getOrRetry(
                        admin.describeTopics(List.of(name), options).allTopicNames(),
                        deadline,
                        "describe topic '" + name + "'")
                .map(descriptions -> descriptions.get(name))
                .orElse(null);
        if (topic != null && topic.partitions().size() != partitions) {
            throw new IllegalStateException("Topic '" + name + "' already exists with "
                    + topic.partitions().size() + " partitions, not " + partitions + ".");
        }
        return topic != null
                && topic.partitions().stream()
                        .allMatch(partition -> partition.leader() != null
                                && !partition.leader().isEmpty());
    }

    /**
     * The future's value, or empty when it failed in a way worth retrying before the deadline (the
     * broker is still starting, the topic is not in its metadata yet).
     */
    private <T> Optional<T> getOrRetry(KafkaFuture<T> future, Deadline deadline, String action) {
        try {
            return Optional.ofNullable(future.get(deadline.remainingMs(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException && !deadline.passed()) {
                return Optional.empty();
            }
            throw new IllegalStateException(
                    "Kafka broker at " + bootstrapServers() + ": could not " + action + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw failure("did not " + action + " in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to " + action, e);
        }
    }

    private IllegalStateException failure(String reason) {
        String tail = files.logTail();
        String message = "Kafka broker at " + bootstrapServers() + " " + reason + ".\n" + tail;
        return tail.contains("Address already in use")
                ? new PortTakenException(message)
                : new IllegalStateException(message);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " is closed.");
        }
    }

    /** Runs only if close() was not called: no lock, since a start may be holding it. */
    private void stopAtJvmExit() {
        closed = true;
        stopProcess(process);
        files.delete();
    }

    private static void stopProcess(Process current) {
        if (current == null || !current.isAlive()) {
            return;
        }
        current.destroy();
        if (!waitFor(current, STOP_GRACE)) {
            current.destroyForcibly();
            awaitExit(current);
        }
    }

    /** Returning before the process is gone would let a restart race the old one for its ports. */
    private static void awaitExit(Process current) {
        if (!waitFor(current, STOP_GRACE)) {
            throw new IllegalStateException("Kafka broker process " + current.pid() + " did not exit after SIGKILL.");
        }
    }

    private static boolean waitFor(Process current, Duration timeout) {
        try {
            return current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            current.destroyForcibly();
            return false;
        }
    }

    private static int callTimeoutMs(Deadline deadline) {
        return (int) Math.max(1, Math.min(ADMIN_CALL_TIMEOUT_MS, deadline.remainingMs()));
    }

    /** Polling interval of the await loops; each loop is bounded by its deadline. */
    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Short timeouts and backoffs: the broker is on loopback, and tests wait on every retry. */
    private static Map<String, Object> adminConfig(String bootstrapServers) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "nucleon-testing-kafka",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ADMIN_CALL_TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ADMIN_CALL_TIMEOUT_MS,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
                // Also paces the client's warnings while a killed broker is down.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1_000,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 1_000);
    }

    /** Tells {@link #start()} to try other ports; see {@link #START_ATTEMPTS}. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
