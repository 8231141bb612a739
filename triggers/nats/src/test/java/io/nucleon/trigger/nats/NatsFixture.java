package io.nucleon.trigger.nats;

import io.micrometer.core.instrument.FunctionCounter;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Subjects, streams, a publishing client and processors for one test, against a real NATS server: the
 * shared one on 127.0.0.1:4222, or a test's own. Names carry a random suffix; streams the fixture created
 * are deleted on close.
 */
final class NatsFixture implements AutoCloseable {

    static final String SHARED_URL = "nats://127.0.0.1:4222";
    static final String HANDLER = RecordingFunction.class.getName();

    final String url;
    final String id;
    final String function;
    final Connection client;
    private final List<String> streams = new ArrayList<>();
    /** spec.eventTimeout of the processors this fixture starts. */
    String eventTimeout = "10s";
    /** The url attribute of the processors this fixture starts. */
    String processorUrl;

    NatsFixture(String url, String name) {
        this.url = url;
        this.id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.function = id;
        // a hung function ignores the event-timeout watchdog's interrupt, as real stuck ones do
        Recorder.of(function).hangThroughInterrupts(true);
        this.processorUrl = url;
        try {
            this.client = Nats.connect(new Options.Builder()
                    .server(url)
                    .maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(100))
                    .errorListener(new ErrorListener() {}) // outage tests: no console noise per reconnect
                    .build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return a subject of this test: {@code nucleon.test.<id>.<suffix>} */
    String subject(String suffix) {
        return "nucleon.test." + id + "." + suffix;
    }

    /** @return a stream or consumer name of this test */
    String name(String suffix) {
        return (suffix + "-" + id).replace('.', '-');
    }

    void publish(String subject, String body) {
        client.publish(subject, body.getBytes(StandardCharsets.UTF_8));
    }

    void publish(String subject, Headers headers, String body) {
        client.publish(subject, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Publishes and waits until the server has everything published so far. */
    void flush() {
        try {
            client.flush(Duration.ofSeconds(5));
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Publishes through JetStream, waiting for the stream's acknowledgement. */
    void publishDurably(String subject, Headers headers, String body) {
        try {
            client.jetStream().publish(subject, headers, body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    Subscription subscribe(String subject) {
        Subscription subscription = client.subscribe(subject);
        flush();
        return subscription;
    }

    static String body(Message message) {
        return new String(message.getData(), StandardCharsets.UTF_8);
    }

    /** Creates a stream on the given subjects (file storage), deleted on close. */
    String createStream(String suffix, String... subjects) {
        String stream = name(suffix);
        try {
            management()
                    .addStream(StreamConfiguration.builder()
                            .name(stream)
                            .subjects(subjects)
                            .storageType(StorageType.File)
                            .build());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot create stream " + stream, e);
        }
        streams.add(stream);
        return stream;
    }

    JetStreamManagement management() {
        try {
            return client.jetStreamManagement();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    ConsumerInfo consumerInfo(String stream, String consumer) {
        try {
            return management().getConsumerInfo(stream, consumer);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A processor of this test's function with one trigger.
     *
     * @param triggerName the trigger's key
     * @param kind nats or natsjetstream
     * @param numWorkers the trigger's workers
     * @param attributes attribute lines ({@code key: value}), url excluded, one per line
     */
    Processor start(String triggerName, String kind, int numWorkers, String attributes) {
        StringBuilder lines = new StringBuilder();
        lines.append("        url: ").append(processorUrl).append('\n');
        if (!attributes.contains("reconnectWait:")) {
            lines.append("        reconnectWait: 200ms\n");
        }
        attributes.lines().forEach(line -> lines.append("        ").append(line).append('\n'));
        String yaml = """
                metadata:
                  name: %s
                spec:
                  handler: %s
                  eventTimeout: %s
                  triggers:
                    %s:
                      kind: %s
                      numWorkers: %d
                      attributes:
                %s""".formatted(function, HANDLER, eventTimeout, triggerName, kind, numWorkers, lines);
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(5));
        return Processor.start(settings);
    }

    /** @return the count of a delivery counter of the processor's only trigger */
    static double counter(Processor processor, String name) {
        return processor.registry().get(name).functionCounter().count();
    }

    /** @return messages the trigger dropped for a reason */
    static double dropped(Processor processor, String reason) {
        FunctionCounter counter = processor
                .registry()
                .find("nucleon_trigger_messages_dropped")
                .tag("reason", reason)
                .functionCounter();
        return counter == null ? 0 : counter.count();
    }

    static List<String> values(String prefix, int count) {
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(prefix + i);
        }
        return values;
    }

    @Override
    public void close() {
        Recorder.reset(function);
        for (String stream : streams) {
            try {
                management().deleteStream(stream);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                // the server is gone (an outage test's own); its directory goes with it
            }
        }
        try {
            client.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
