package io.nucleon.trigger.mqtt;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import io.nucleon.testing.functions.Recorder;
import io.nucleon.testing.functions.RecordingFunction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Topics, a client identifier and processors for one test, against a real Mosquitto. Every name has a
 * random suffix, so runs never see each other's messages or sessions; {@link #close()} removes the
 * trigger's persistent session from the broker.
 */
final class MqttFixture implements AutoCloseable {

    static final String SHARED_URL = "tcp://127.0.0.1:1883";
    static final String TRIGGER = "sensors";

    final String url;
    final String base;
    final String clientId;
    final String function;
    /** spec.eventTimeout of the processors this fixture starts. */
    String eventTimeout = "10s";
    /** How long a processor's close waits for running events before closing the trigger. */
    Duration drainTimeout = Duration.ofSeconds(5);

    /** Credentials of the test's own clients (publisher, subscriber), for brokers that want them. */
    String username = "";

    String password = "";

    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();
    private MqttClient publisher;

    MqttFixture(String name) {
        this(name, SHARED_URL);
    }

    MqttFixture(String name, String url) {
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.url = url;
        this.base = "nucleon-it/" + unique;
        this.clientId = "nucleon-it-" + unique;
        this.function = unique;
        // a hang lasts until the test releases it, retries included: only the broker's redelivery gets past it
        Recorder.of(function).hangOnEveryRun(true);
    }

    /**
     * A processor running {@link RecordingFunction} with one mqtt trigger named "sensors".
     *
     * @param attributes YAML lines indented 8 spaces; without a subscriptions line the trigger takes
     *     {@code <base>/#} at QoS 1
     */
    Processor start(int numWorkers, String attributes) {
        String yaml = """
                metadata:
                  name: %s
                spec:
                  handler: %s
                  eventTimeout: %s
                  triggers:
                    %s:
                      kind: mqtt
                      numWorkers: %d
                      attributes:
                        url: %s
                        clientID: %s
                %s
                %s
                """.formatted(
                        function,
                        RecordingFunction.class.getName(),
                        eventTimeout,
                        TRIGGER,
                        numWorkers,
                        url,
                        clientId,
                        defaultsNotIn(attributes),
                        attributes);
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(drainTimeout);
        return Processor.start(settings);
    }

    private String defaultsNotIn(String attributes) {
        StringBuilder lines = new StringBuilder();
        for (String line : List.of(
                "subscriptions: [{topic: \"" + base + "/#\", qos: 1}]",
                "workerTerminationTimeout: 2s",
                "maxReconnectDelay: 1s",
                "connectionTimeout: 5s")) {
            if (!attributes.contains(line.substring(0, line.indexOf(':') + 1))) {
                lines.append(lines.isEmpty() ? "" : "\n").append("        ").append(line);
            }
        }
        return lines.toString();
    }

    /** Publishes and waits for the broker's acknowledgement (QoS 1 and 2). */
    synchronized void publish(String topic, String payload, int qos, boolean retained) {
        try {
            if (publisher == null || !publisher.isConnected()) {
                publisher = client("pub"); // again after an outage of the test's own broker
            }
            publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
        } catch (MqttException e) {
            throw new IllegalStateException("cannot publish to " + topic + " at " + url, e);
        }
    }

    void publish(String topic, List<String> payloads) {
        for (String payload : payloads) {
            publish(topic, payload, 1, false);
        }
    }

    static List<String> values(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> prefix + i)
                .toList();
    }

    /** Subscribes a client of the test's own; what it receives goes into the returned list. */
    List<String> subscribe(String topic) {
        List<String> received = new CopyOnWriteArrayList<>();
        try {
            MqttClient subscriber = client("sub");
            subscriber.subscribe(
                    topic, 1, (t, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        } catch (MqttException e) {
            throw new IllegalStateException("cannot subscribe to " + topic, e);
        }
        return received;
    }

    /** Removes the trigger's persistent session: connecting with a clean session drops it. */
    void removeSession() {
        try (MqttClient client = new MqttClient(url, clientId, new MemoryPersistence())) {
            MqttConnectOptions options = options();
            options.setCleanSession(true);
            client.connect(options);
            client.disconnect();
        } catch (MqttException e) {
            // the broker is gone: so is the session
        }
    }

    private MqttClient client(String role) throws MqttException {
        MqttClient client = new MqttClient(url, clientId + "-" + role + "-" + clients.size(), new MemoryPersistence());
        MqttConnectOptions options = options();
        options.setCleanSession(true);
        client.connect(options);
        clients.add(client);
        return client;
    }

    private MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(5);
        // Paho counts a publish as in flight a moment after its token completes: room for quick publishers
        options.setMaxInflight(1000);
        if (!username.isEmpty()) {
            options.setUserName(username);
            options.setPassword(password.toCharArray());
        }
        return options;
    }

    @Override
    public void close() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
                client.close(true);
            } catch (MqttException e) {
                // best effort
            }
        }
        removeSession();
    }
}
