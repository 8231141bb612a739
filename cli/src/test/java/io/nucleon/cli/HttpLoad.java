package io.nucleon.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients POSTing to a function in a loop on plain sockets (nothing hidden, no automatic retries): one thread
 * opens a fresh connection per request, the other keeps its connection alive. This mirrors the client of the
 * HTTP trigger's {@code HttpReusePortTest}.
 *
 * <p>One retry, and only one case: a kept-alive connection that already carried a request and now ends (or
 * fails) before any byte of the answer arrived is retried once on a fresh connection. That is the idle
 * keep-alive connection the old processor closes when it drains: the request never reached a function, and
 * HTTP clients retry exactly this case (RFC 9110 section 9.2.2; the POST here is safe to repeat because no
 * function saw it). Everything else counts as a failure: a refused or reset fresh connection, a connection
 * that ends in the middle of an answer, a status other than 200, a wrong body.
 */
final class HttpLoad implements AutoCloseable {

    private static final String BODY = "load";
    private static final String EXPECTED = "Hello, load!\n";

    final LongAdder answered = new LongAdder();
    final LongAdder retriedStale = new LongAdder();
    final LongAdder connections = new LongAdder();
    private final List<String> failures = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final InetSocketAddress address;
    private volatile boolean running = true;

    HttpLoad(int port) {
        this.address = new InetSocketAddress("127.0.0.1", port);
        threads.add(Thread.ofPlatform().name("load-fresh").start(() -> loop(false)));
        threads.add(Thread.ofPlatform().name("load-keep-alive").start(() -> loop(true)));
    }

    private void loop(boolean keepAlive) {
        Connection connection = null;
        while (running) {
            try {
                if (connection == null) {
                    connection = open();
                }
                boolean reused = connection.requests > 0;
                Answer answer;
                try {
                    answer = connection.post(keepAlive);
                } catch (StaleConnection stale) {
                    if (!reused) {
                        throw stale; // a fresh connection that fails is a failure
                    }
                    retriedStale.increment();
                    connection.close();
                    connection = open();
                    answer = connection.post(keepAlive);
                }
                record(answer);
                if (!keepAlive || answer.closes()) {
                    connection.close();
                    connection = null;
                }
            } catch (IOException | RuntimeException e) {
                fail((keepAlive ? "keep-alive: " : "fresh: ") + e);
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

    private Connection open() throws IOException {
        connections.increment();
        return new Connection(address);
    }

    private void record(Answer answer) {
        if (answer.status() != 200 || !answer.body().equals(EXPECTED)) {
            fail("answer " + answer.status() + " " + answer.body().strip());
        } else {
            answered.increment();
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
                + retriedStale.sum() + " connections=" + connections.sum()
                + (failures.isEmpty() ? "" : " failures=" + failures.subList(0, Math.min(10, failures.size())));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(20_000);
        }
    }

    record Answer(int status, String body, boolean closes) {}

    /** The connection ended before any byte of the answer arrived. */
    static final class StaleConnection extends IOException {
        StaleConnection(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One HTTP/1.1 connection on a plain socket. */
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

        Answer post(boolean keepAlive) throws IOException {
            requests++;
            String request = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
                    + BODY.length() + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n" + BODY;
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
