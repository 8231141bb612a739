package io.nucleon.binding.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nucleon.testing.processor.HttpProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test's own NATS client, independent of the binding under test, with names unique to one test: subjects
 * {@code nucleon.binding.<id>.<suffix>}, streams {@code <suffix>-<id>} (deleted on close), function {@code <id>}
 * ({@code nats-} and 12 random hex digits: a valid function name).
 */
final class NatsTestClient implements AutoCloseable {

    static final String SHARED_URL = "nats://127.0.0.1:4222";

    final String id;
    final Connection connection;
    private final List<String> streams = new ArrayList<>();
    private final AtomicInteger reconnects = new AtomicInteger();

    NatsTestClient(String url) {
        this.id = "nats-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            this.connection = Nats.connect(new Options.Builder()
                    .server(url)
                    .maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(100))
                    .errorListener(new ErrorListener() {}) // reconnect tests: no console line per attempt
                    .connectionListener((connection, event) -> {
                        if (event == ConnectionListener.Events.RECONNECTED) {
                            reconnects.incrementAndGet(); // subscriptions are on the server again by then
                        }
                    })
                    .build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return how often this client reconnected; its subscriptions were renewed each time */
    int reconnects() {
        return reconnects.get();
    }

    /** @return a subject of this test */
    String subject(String suffix) {
        return "nucleon.binding." + id + "." + suffix;
    }

    /** @return the function's name for this test */
    String function() {
        return id;
    }

    /** Starts a processor running {@link NatsFunction} with the binding {@code bus} on {@code url}. */
    HttpProcessor start(String url, String... attributes) {
        return HttpProcessor.start(function(), NatsFunction.class.getName(), busYaml(url, attributes));
    }

    /**
     * @param url the binding's url
     * @param lines more lines of the binding, indented as {@code url:} ({@code attributes:}, {@code secrets:})
     * @return the {@code dataBindings} section for {@link HttpProcessor}
     */
    static String busYaml(String url, String... lines) {
        StringBuilder yaml = new StringBuilder("""
                  dataBindings:
                    bus:
                      kind: nats
                      url: %s
                """.formatted(url));
        for (String line : lines) {
            yaml.append("      ").append(line).append('\n');
        }
        return yaml.toString();
    }

    /** Subscribes and waits until the server knows the subscription. */
    Subscription subscribe(String subject) {
        Subscription subscription = connection.subscribe(subject);
        flush();
        return subscription;
    }

    void flush() {
        try {
            connection.flush(Duration.ofSeconds(5));
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return the next message's body, waiting up to 5 s; {@code null} when none came */
    static String nextBody(Subscription subscription) throws InterruptedException {
        Message message = subscription.nextMessage(Duration.ofSeconds(5));
        return message == null ? null : body(message);
    }

    static String body(Message message) {
        return new String(message.getData(), StandardCharsets.UTF_8);
    }

    /** Creates a stream on one subject, deleted on close. */
    String createStream(String suffix, String subject, StorageType storage) {
        String stream = (suffix + "-" + id).replace('.', '-');
        try {
            management()
                    .addStream(StreamConfiguration.builder()
                            .name(stream)
                            .subjects(subject)
                            .storageType(storage)
                            .build());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot create stream " + stream, e);
        }
        streams.add(stream);
        return stream;
    }

    /** Reads a stream's messages on a subject from the start, through an ephemeral pull consumer of the test's. */
    List<String> readStream(String subject, int count) throws IOException, JetStreamApiException {
        JetStreamSubscription consumer = connection
                .jetStream()
                .subscribe(subject, PullSubscribeOptions.builder().build());
        try {
            List<String> bodies = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (bodies.size() < count && System.nanoTime() < deadline) {
                for (Message message : consumer.fetch(count - bodies.size(), Duration.ofSeconds(2))) {
                    bodies.add(body(message));
                    message.ack();
                }
            }
            return bodies;
        } finally {
            consumer.unsubscribe();
        }
    }

    JetStreamManagement management() {
        try {
            return connection.jetStreamManagement();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        NatsFunction.FETCHED.remove(function());
        for (String stream : streams) {
            try {
                management().deleteStream(stream);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                // the server is gone (a test's own); its directory goes with it
            }
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
