package io.nucleon.trigger.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code reusePort}: two processors on one port, and the first one stopping under load.
 *
 * <pre>
 *   N clients (fresh connections)      --+          +--> processor "blue"  (stops mid-test)
 *   N clients (keep-alive connections) --+--> :port-+
 *                                                   +--> processor "green"
 * </pre>
 */
class HttpReusePortTest {

    private static final String REUSE_PORT = "        reusePort: true";
    private static final String WORKERS = "      numWorkers: 2";

    @BeforeEach
    void reset() {
        RoutingTestFunction.HANDLED.clear();
    }

    @Test
    void shouldRefuseReusePortOnTheNioTransport() {
        assertThatThrownBy(() -> NettyTransport.nio().requireReusePort("web"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("trigger 'web': attribute 'reusePort' needs Netty's native epoll transport"
                        + " (Linux), but this processor runs on nio");
    }

    @Test
    void shouldNotLetASecondProcessorBindThePortWithoutReusePort() throws Exception {
        try (RunningProcessor first = RunningProcessor.start("", "", "10s")) {
            assertThatThrownBy(() -> RunningProcessor.start("second", first.port(), "", "", "10s"))
                    .hasMessageContaining("trigger 'web': cannot listen on 127.0.0.1:" + first.port());
        }
    }

    @Test
    void shouldHandThePortToTheSecondProcessorWithoutFailedRequestsWhenTheFirstStops() throws Exception {
        assumeTrue(Epoll.isAvailable(), "SO_REUSEPORT needs the epoll transport");
        int port = freePort();
        RunningProcessor blue = RunningProcessor.start("blue", port, WORKERS, REUSE_PORT, "10s");
        try (RunningProcessor green = RunningProcessor.start("green", port, WORKERS, REUSE_PORT, "10s");
                Load load = new Load(port, 2, 2)) {
            await(() -> handled("blue") >= 200 && handled("green") >= 200, "both processors to serve requests");

            blue.close(); // drains: the listening socket closes first, then idle keep-alive connections
            load.markStopped("blue");
            long answeredBefore = load.answered.sum();
            await(() -> load.answered.sum() >= answeredBefore + 1000, "green to go on answering");
            load.close();

            assertThat(load.failures()).as(load.report()).isEmpty();
            assertThat(load.answeredAfterStop
                            .getOrDefault("blue", new LongAdder())
                            .sum())
                    .as("answers from blue after it stopped")
                    .isZero();
            assertThat(load.answeredAfterStop.get("green").sum()).isGreaterThanOrEqualTo(1000);
            // Every request a function handled was answered, so no retried request had reached a function.
            assertThat(handled("blue") + handled("green")).as(load.report()).isEqualTo(load.answered.sum());
            System.out.println("reusePort hand-over: " + load.report());
        } finally {
            blue.close();
        }
    }

    private static long handled(String function) {
        AtomicLong count = RoutingTestFunction.HANDLED.get(function);
        return count == null ? 0 : count.get();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Clients sending {@code GET /whoami} in a loop, each request on a fresh connection or on a kept-alive one.
     * A kept-alive connection that the server closes before any byte of the answer (it was idle when the
     * server drained it) is retried once on a fresh connection, as HTTP clients do for idempotent requests
     * (RFC 9110 section 9.2.2); every other problem is a failure.
     */
    private static final class Load implements AutoCloseable {

        final LongAdder answered = new LongAdder();
        final LongAdder retriedStale = new LongAdder();
        final LongAdder freshConnections = new LongAdder();
        final Map<String, LongAdder> answeredAfterStop = new ConcurrentHashMap<>();
        private final List<String> failures = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final InetSocketAddress address;
        private volatile String stopped;
        private volatile boolean running = true;

        Load(int port, int freshClients, int keepAliveClients) {
            this.address = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < freshClients + keepAliveClients; i++) {
                boolean keepAlive = i >= freshClients;
                threads.add(Thread.ofPlatform()
                        .name((keepAlive ? "keep-alive-" : "fresh-") + i)
                        .start(() -> loop(keepAlive)));
            }
        }

        void markStopped(String function) {
            stopped = function;
        }

        private void loop(boolean keepAlive) {
            Connection connection = null;
            while (running) {
                try {
                    if (connection == null) {
                        connection = new Connection(address);
                        freshConnections.increment();
                    }
                    boolean reused = connection.requests > 0;
                    Answer answer;
                    try {
                        answer = connection.get(keepAlive);
                    } catch (StaleConnection stale) {
                        if (!reused) {
                            throw stale;
                        }
                        retriedStale.increment();
                        connection.close();
                        connection = new Connection(address);
                        freshConnections.increment();
                        answer = connection.get(keepAlive);
                    }
                    record(answer);
                    if (!keepAlive || answer.closes) {
                        connection.close();
                        connection = null;
                    }
                } catch (IOException | RuntimeException e) {
                    fail((keepAlive ? "keep-alive" : "fresh") + ": " + e);
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                }
            }
            if (connection != null) {
                connection.close();
            }
        }

        private void record(Answer answer) {
            if (answer.status != 200 || !(answer.body.equals("blue") || answer.body.equals("green"))) {
                fail("answer " + answer.status + " " + answer.body);
                return;
            }
            answered.increment();
            if (stopped != null) {
                answeredAfterStop
                        .computeIfAbsent(answer.body, b -> new LongAdder())
                        .increment();
            }
        }

        private synchronized void fail(String what) {
            failures.add(what);
        }

        synchronized List<String> failures() {
            return List.copyOf(failures);
        }

        synchronized String report() {
            return "answered=" + answered.sum() + " failed=" + failures.size() + " retriedStaleKeepAlive="
                    + retriedStale.sum() + " connections=" + freshConnections.sum() + " handled="
                    + RoutingTestFunction.HANDLED
                    + " afterStop=" + answeredAfterStop + (failures.isEmpty() ? "" : " failures=" + failures);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }
    }

    record Answer(int status, String body, boolean closes) {}

    /** The connection ended before any byte of the answer arrived. */
    static final class StaleConnection extends IOException {
        StaleConnection(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One HTTP/1.1 connection on a plain socket: nothing hidden, no automatic retries. */
    private static final class Connection {

        final Socket socket = new Socket();
        final InputStream in;
        int requests;

        Connection(InetSocketAddress address) throws IOException {
            socket.connect(address, 5_000);
            socket.setSoTimeout(15_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
        }

        Answer get(boolean keepAlive) throws IOException {
            requests++;
            String request =
                    "GET /whoami HTTP/1.1\r\nHost: localhost\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                int first = in.read();
                if (first < 0) {
                    throw new StaleConnection("closed before the answer", null);
                }
                head.write(first);
            } catch (StaleConnection e) {
                throw e;
            } catch (IOException e) {
                throw new StaleConnection("failed before the answer: " + e, e);
            }
            return readAnswer(head);
        }

        private Answer readAnswer(ByteArrayOutputStream head) throws IOException {
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed in the middle of an answer: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            int length = 0;
            boolean closes = false;
            for (String line : text.split("\r\n")) {
                if (line.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (line.startsWith("connection:") && line.contains("close")) {
                    closes = true;
                }
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("closed in the middle of a body");
            }
            return new Answer(
                    Integer.parseInt(text.substring(9, 12)), new String(body, StandardCharsets.UTF_8), closes);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
