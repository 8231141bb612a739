package io.nucleon.trigger.mqtt;

import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the function's event out of an {@link MqttTriggerMessage}: the body is a read-only view of the
 * payload Paho read (no copy); {@code topic()} and, as in Nuclio, {@code path()} are the message's topic;
 * the MQTT 3.1.1 fixed-header fields are headers, as strings:
 *
 * <pre>
 *   mqtt-qos          0, 1 or 2: the QoS the message was delivered with (the lower of publish and subscription)
 *   mqtt-retained     true for a retained message the broker sent on subscribing
 *   mqtt-duplicate    true when the broker delivers it again (after a reconnect or restart)
 *   mqtt-message-id   the packet identifier (0 for QoS 0); reused by the broker once acknowledged
 * </pre>
 *
 * {@code timestampMillis()} is the time the message arrived (MQTT 3.1.1 carries no timestamp).
 */
final class MqttMessageAdapter implements EventAdapter<MqttTriggerMessage> {

    static final MqttMessageAdapter INSTANCE = new MqttMessageAdapter();

    static final String QOS = "mqtt-qos";
    static final String RETAINED = "mqtt-retained";
    static final String DUPLICATE = "mqtt-duplicate";
    static final String MESSAGE_ID = "mqtt-message-id";

    private static final String[] QOS_NAMES = {"0", "1", "2"};

    private MqttMessageAdapter() {}

    @Override
    public ByteBuffer body(MqttTriggerMessage message) {
        return ByteBuffer.wrap(message.payload()).asReadOnlyBuffer();
    }

    @Override
    public int bodySize(MqttTriggerMessage message) {
        return message.payload().length;
    }

    @Override
    public String header(MqttTriggerMessage message, String name) {
        if (QOS.equalsIgnoreCase(name)) {
            return QOS_NAMES[message.qos()];
        }
        if (RETAINED.equalsIgnoreCase(name)) {
            return Boolean.toString(message.retained());
        }
        if (DUPLICATE.equalsIgnoreCase(name)) {
            return Boolean.toString(message.duplicate());
        }
        if (MESSAGE_ID.equalsIgnoreCase(name)) {
            return Integer.toString(message.messageId());
        }
        return null;
    }

    @Override
    public Map<String, String> headers(MqttTriggerMessage message) {
        Map<String, String> headers = new LinkedHashMap<>(8);
        for (String name : new String[] {QOS, RETAINED, DUPLICATE, MESSAGE_ID}) {
            headers.put(name, header(message, name));
        }
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String path(MqttTriggerMessage message) {
        return message.topic();
    }

    @Override
    public long timestampMillis(MqttTriggerMessage message) {
        return message.arrivedMillis();
    }

    @Override
    public String topic(MqttTriggerMessage message) {
        return message.topic();
    }
}
