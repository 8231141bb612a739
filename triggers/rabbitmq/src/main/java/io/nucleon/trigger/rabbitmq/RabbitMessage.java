package io.nucleon.trigger.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.nucleon.runtime.stream.BrokerMessage;
import io.nucleon.runtime.stream.DeliveryFailure;

/**
 * One delivery from the trigger's queue, settled on the channel that delivered it: acknowledged after the
 * function succeeded, rejected without requeueing (to the queue's dead-letter exchange) once its attempts
 * are used up, retried by the trigger in between. RabbitMQ cannot requeue a message after a delay, so
 * retries wait in the trigger, holding the delivery unacknowledged.
 */
final class RabbitMessage implements BrokerMessage {

    /** The header quorum queues set on a redelivery: how many times the message was delivered before. */
    static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

    private final RabbitSession session;
    private final Envelope envelope;
    private final AMQP.BasicProperties properties;
    private final byte[] body;

    RabbitMessage(RabbitSession session, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        this.session = session;
        this.envelope = envelope;
        this.properties = properties;
        this.body = body;
    }

    Envelope envelope() {
        return envelope;
    }

    AMQP.BasicProperties properties() {
        return properties;
    }

    byte[] body() {
        return body;
    }

    RabbitSession session() {
        return session;
    }

    @Override
    public void ack() throws Exception {
        session.ack(envelope.getDeliveryTag());
    }

    /**
     * Quorum queues count deliveries in {@code x-delivery-count}; classic queues only flag a redelivery,
     * which says nothing about how many runs there were.
     *
     * @return the header's count plus this delivery, or 0 without the header
     */
    @Override
    public int deliveryCount() {
        if (properties.getHeaders() != null
                && properties.getHeaders().get(DELIVERY_COUNT_HEADER) instanceof Number count) {
            return (int) Math.min(Integer.MAX_VALUE - 1, Math.max(0, count.longValue())) + 1;
        }
        return 0;
    }

    /**
     * A message whose channel has closed is back in the queue already, and the broker will deliver it
     * again; retrying it here too would only hold a place in maxInFlight with a delivery that can no longer
     * be settled. Otherwise the trigger retries it itself.
     */
    @Override
    public boolean redeliverLater(long delayNanos) {
        return !session.open();
    }

    /**
     * Rejects the message without requeueing, so the queue's dead-letter exchange gets it (RabbitMQ adds
     * the {@code x-death} header). When the channel has already closed, the message is back in the queue
     * and nothing can be rejected: it is left to its next delivery.
     */
    @Override
    public boolean returnedToBroker() {
        return !session.open();
    }

    @Override
    public void deadLetter(DeliveryFailure failure) throws Exception {
        if (session.open()) {
            session.reject(envelope.getDeliveryTag());
        }
    }

    @Override
    public String describe() {
        String id = properties.getMessageId();
        return "queue " + session.queue() + ", routing key " + envelope.getRoutingKey() + ", delivery tag "
                + envelope.getDeliveryTag() + (id == null ? "" : ", message id " + id)
                + (envelope.isRedeliver() ? ", redelivered" : "");
    }
}
