package io.nucleon.trigger.mqtt;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publishes messages whose attempts are used up to the dead-letter topic, with QoS 1, waiting for the
 * broker's PUBACK. MQTT 3.1.1 has no headers, so the payload goes as it came; the error and the number of
 * attempts are in the trigger's log.
 *
 * <p>It has a connection of its own ({@code <clientID>-dlq}, clean session), made on the first dead
 * letter and again whenever it is down. Publishing on the consumer's connection could wait forever: Paho
 * completes a publish on its callback thread, which back-pressure may be holding in {@code
 * messageArrived} until this very message is settled.
 */
final class DeadLetterPublisher implements AutoCloseable {

    private final String topic;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final long waitMillis;

    DeadLetterPublisher(MqttTriggerConfig config) throws MqttException {
        this.topic = config.deadLetterTopic();
        this.client = new MqttAsyncClient(config.url(), config.clientId() + "-dlq", new MemoryPersistence());
        this.options = MqttClients.connectOptions(config);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // connected on demand, on the settle thread
        this.waitMillis = config.connectionTimeout().plusSeconds(5).toMillis();
    }

    /**
     * Publishes one dead letter; called on the trigger's settle thread, one at a time.
     *
     * @param payload the original payload
     * @throws MqttException when the broker did not take it in time; the dispatcher tries again later
     */
    synchronized void publish(byte[] payload) throws MqttException {
        if (!client.isConnected()) {
            client.connect(options).waitForCompletion(waitMillis);
        }
        client.publish(topic, payload, 1, false).waitForCompletion(waitMillis);
    }

    @Override
    public synchronized void close() {
        MqttClients.closeQuietly(client);
    }
}
