package io.nucleon.trigger.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.search.Search;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.TestInfo;

/**
 * One test's names (function, queue, exchanges: unique per run), a connection to the shared RabbitMQ to
 * publish and inspect with, and processors built from a function.yaml. {@link #close()} deletes every queue
 * and exchange the test made or named.
 */
final class RabbitFixture implements AutoCloseable {

    static final String URL = "amqp://guest:guest@127.0.0.1:5672/";

    final String function;
    final String queue;
    final Recorder recorder;
    /** spec.eventTimeout of the processors this fixture starts. */
    String eventTimeout = "10s";

    private final Connection connection;
    private final Channel channel;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    /** Names things after the test method, short enough for a function name with a random suffix. */
    RabbitFixture(TestInfo test) throws IOException, TimeoutException {
        SharedBroker.RABBITMQ.require();
        String name = test.getTestMethod()
                .orElseThrow()
                .getName()
                .replace("should", "")
                .toLowerCase();
        this.function = "rmq-" + name.substring(0, Math.min(name.length(), 40)) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.queue = queue(function);
        this.recorder = Recorder.of(function);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        this.connection = factory.newConnection("nucleon-test-" + function);
        this.channel = connection.createChannel();
        channel.confirmSelect();
    }

    /** @return a name of this test's that {@link #close()} deletes as a queue */
    String queue(String name) {
        queues.add(name);
        return name;
    }

    /** @return a name of this test's that {@link #close()} deletes as an exchange */
    String exchange(String name) {
        exchanges.add(name);
        return name;
    }

    Channel channel() {
        return channel;
    }

    /** Publishes plain text bodies to this test's queue through the default exchange, and waits for the broker. */
    void publish(String... bodies) {
        for (String body : bodies) {
            publish("", queue, new AMQP.BasicProperties.Builder().build(), body);
        }
    }

    /** Publishes one message and waits until the broker has taken it. */
    void publish(String exchange, String routingKey, AMQP.BasicProperties properties, String body) {
        try {
            channel.basicPublish(exchange, routingKey, properties, body.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        } catch (IOException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return messages ready in a queue (not counting those delivered and unacknowledged) */
    long ready(String name) {
        try {
            return channel.queueDeclarePassive(name).getMessageCount();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return one message from a queue, acknowledged, or {@code null} */
    GetResponse get(String name) {
        try {
            return channel.basicGet(name, true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A processor running {@link RecordingFunction} with a trigger "orders" of the given attributes.
     *
     * @param kind {@code rabbit-mq} or its alias {@code rabbitmq}
     * @param numWorkers the trigger's workers
     * @param attributes YAML lines for the attributes mapping, each indented 8 spaces, {@code url} included
     */
    Processor start(String kind, int numWorkers, String attributes) {
        return start(kind, numWorkers, attributes, RecordingFunction.class.getName(), "");
    }

    /**
     * A processor running {@code handler} with a trigger "orders".
     *
     * @param triggerSection more YAML lines of the trigger's section (e.g. {@code batch}), indented 6 spaces
     */
    Processor start(String kind, int numWorkers, String attributes, String handler, String triggerSection) {
        String yaml = """
                metadata:
                  name: %s
                spec:
                  handler: %s
                  eventTimeout: %s
                  triggers:
                    orders:
                      kind: %s
                      numWorkers: %d
                %s
                      attributes:
                %s
                """.formatted(function, handler, eventTimeout, kind, numWorkers, triggerSection, attributes);
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(2));
        return Processor.start(settings);
    }

    /** A processor consuming this test's queue, with fast retries and reconnects unless {@code extra} sets them. */
    Processor start(int numWorkers, String extra) {
        return start("rabbit-mq", numWorkers, attributes(URL, extra));
    }

    /** @return the attributes for this test's queue: {@code url}, {@code queueName} and the test defaults */
    String attributes(String url, String extra) {
        StringBuilder lines = new StringBuilder();
        lines.append("        url: ").append(url).append('\n');
        if (!extra.contains("queueName:") && !extra.contains("topics:")) {
            lines.append("        queueName: ").append(queue).append('\n');
        }
        for (String line : List.of(
                "retry: {maxAttempts: 3, initialBackoff: 20ms, maxBackoff: 100ms}",
                "workerTerminationTimeout: 2s",
                "reconnectInterval: 100ms",
                "maxReconnectInterval: 400ms")) {
            if (!extra.contains(line.substring(0, line.indexOf(':') + 1))) {
                lines.append("        ").append(line).append('\n');
            }
        }
        extra.lines()
                .forEach(line -> lines.append("        ").append(line.strip()).append('\n'));
        return lines.toString();
    }

    /** @return the value of one of the trigger's counters (one trigger per processor here) */
    static double counter(Processor processor, String name) {
        return Search.in(processor.registry()).name(name).functionCounter().count();
    }

    /** @return whether the trigger has settled every message it took (acknowledged, rejected or left) */
    static boolean settled(Processor processor) {
        return gauge(processor, "nucleon_trigger_messages_in_flight") == 0;
    }

    /** @return the value of one of the trigger's gauges */
    static double gauge(Processor processor, String name) {
        return processor.registry().get(name).gauge().value();
    }

    @Override
    public void close() throws IOException, TimeoutException {
        for (String name : queues) {
            delete(ch -> ch.queueDelete(name));
        }
        for (String name : exchanges) {
            delete(ch -> ch.exchangeDelete(name));
        }
        connection.close();
    }

    /** Each delete on a channel of its own: a failed one closes its channel. */
    private void delete(Delete delete) {
        try (Channel ch = connection.createChannel()) {
            delete.run(ch);
        } catch (IOException | TimeoutException | RuntimeException e) {
            // already gone
        }
    }

    @FunctionalInterface
    private interface Delete {
        void run(Channel channel) throws IOException;
    }
}
