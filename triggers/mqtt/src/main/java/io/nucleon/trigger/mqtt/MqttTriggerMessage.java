package io.nucleon.trigger.mqtt;

import io.nucleon.runtime.stream.BrokerMessage;
import io.nucleon.runtime.stream.DeliveryFailure;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PUBLISH the broker delivered, as the {@link io.nucleon.runtime.stream.AckingDispatcher} handles it.
 * (Not called {@code MqttMessage}: that is Paho's class, which this one wraps.)
 *
 * <p>{@link #ack()} sends the PUBACK (QoS 1) or PUBCOMP (QoS 2) that Paho holds back under manual acks,
 * and only on the connection the message came on: the broker delivers a message again on the next
 * connection, with the same packet identifier, and an acknowledgement from an older connection would
 * settle whatever now carries that identifier. QoS 0 has nothing to acknowledge. MQTT cannot redeliver
 * later on request, so failed messages are retried in the dispatcher.
 */
final class MqttTriggerMessage implements BrokerMessage {

    private static final Logger LOG = LoggerFactory.getLogger(MqttTriggerMessage.class);

    private final MqttConsumer consumer;
    private final String topic;
    private final MqttMessage message;
    private final int connection;
    private final long arrivedMillis;
    private final String orderKey;

    /**
     * @param consumer the consumer that took it, which acknowledges it
     * @param topic the topic it was published to
     * @param message Paho's message: payload, QoS, flags, packet identifier
     * @param connection the number of the connection it came on
     * @param arrivedMillis when it arrived, epoch milliseconds
     * @param ordered whether messages of its topic run one at a time
     */
    MqttTriggerMessage(
            MqttConsumer consumer,
            String topic,
            MqttMessage message,
            int connection,
            long arrivedMillis,
            boolean ordered) {
        this.consumer = consumer;
        this.topic = topic;
        this.message = message;
        this.connection = connection;
        this.arrivedMillis = arrivedMillis;
        this.orderKey = ordered ? topic : null;
    }

    String topic() {
        return topic;
    }

    /** @return the payload Paho read, not a copy */
    byte[] payload() {
        return message.getPayload();
    }

    int qos() {
        return message.getQos();
    }

    boolean retained() {
        return message.isRetained();
    }

    boolean duplicate() {
        return message.isDuplicate();
    }

    int messageId() {
        return message.getId();
    }

    int connection() {
        return connection;
    }

    long arrivedMillis() {
        return arrivedMillis;
    }

    @Override
    public void ack() throws Exception {
        if (message.getQos() > 0) {
            consumer.acknowledge(this);
        }
    }

    /**
     * Publishes the payload to the dead-letter topic (QoS 1, waiting for the broker's PUBACK), then
     * acknowledges the original. An acknowledgement that cannot go out any more (the connection was lost
     * meanwhile) is not an error here: the broker delivers the original again, and the dead-letter topic
     * is at-least-once too.
     */
    @Override
    public void deadLetter(DeliveryFailure failure) throws Exception {
        consumer.deadLetters().publish(message.getPayload());
        try {
            ack();
        } catch (Exception e) {
            LOG.atInfo()
                    .setMessage("dead-lettered a message but could not acknowledge it; the broker delivers it again")
                    .addKeyValue("message", describe())
                    .addKeyValue("cause", e.getMessage())
                    .log();
        }
    }

    /**
     * A failed message that came on a lost connection is left to the broker, which delivers it again on
     * the new connection; one on the live connection is retried here (MQTT has no negative acknowledgement).
     */
    @Override
    public boolean redeliverLater(long delayNanos) {
        return consumer.redeliveredByBroker(this);
    }

    @Override
    public boolean returnedToBroker() {
        return consumer.redeliveredByBroker(this);
    }

    @Override
    public String orderKey() {
        return orderKey;
    }

    @Override
    public String describe() {
        return "topic " + topic + ", qos " + message.getQos() + ", message id " + message.getId()
                + (message.isDuplicate() ? ", redelivered" : "");
    }
}
