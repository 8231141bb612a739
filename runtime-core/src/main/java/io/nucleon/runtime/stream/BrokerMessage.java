package io.nucleon.runtime.stream;

import io.nucleon.function.Response;

/**
 * One message from a broker that acknowledges messages one at a time (NATS JetStream, RabbitMQ, MQTT),
 * as an {@link AckingDispatcher} handles it: {@link #ack(Response)} once the function has succeeded, {@link
 * #redeliverLater} or a local retry when it failed, {@link #deadLetter} when its attempts are used up.
 * The dispatcher calls these on its own settle thread, one at a time per dispatcher.
 */
public interface BrokerMessage {

    /**
     * Acknowledges the message: the broker may forget it.
     *
     * @throws Exception when the broker did not take the acknowledgement (the connection broke); the
     *     broker then delivers the message again, which at-least-once allows
     */
    void ack() throws Exception;

    /**
     * Acknowledges a message whose function succeeded, given the function's response, for brokers where
     * the sender waits for an answer (a NATS request's reply subject). The default ignores the response
     * and calls {@link #ack()}.
     *
     * @param response the function's response
     * @throws Exception as {@link #ack()}
     */
    default void ack(Response response) throws Exception {
        ack();
    }

    /**
     * Deliveries the broker has counted for this message, this one included, so that attempts survive
     * a redelivery through the broker (JetStream's {@code numDelivered}).
     *
     * @return the count, or 0 when the broker does not count
     */
    default int deliveryCount() {
        return 0;
    }

    /**
     * Hands a failed message back to the broker to deliver again after {@code delayNanos} (JetStream's
     * nak with delay), so the trigger does not hold it meanwhile.
     *
     * @param delayNanos the backoff before the next delivery
     * @return {@code false} when the broker cannot do that; the dispatcher then keeps the message and
     *     runs it again itself after the backoff
     * @throws Exception when the broker did not take the request; the message is retried locally
     */
    default boolean redeliverLater(long delayNanos) throws Exception {
        return false;
    }

    /**
     * Sends the message to the dead-letter destination and settles it with the broker (RabbitMQ:
     * reject without requeue to the queue's dead-letter exchange; JetStream and MQTT: publish to the
     * dead-letter subject or topic, then acknowledge).
     *
     * @param failure why, and after how many attempts
     * @throws Exception when the dead-letter destination did not take it; tried again after maxBackoff
     */
    void deadLetter(DeliveryFailure failure) throws Exception;

    /**
     * Whether the broker has taken the message back by itself and will deliver it again (the channel or
     * connection it came on is gone). A copy held here for a retry or a dead letter is then let go instead
     * of run or sent: it could never be settled, and the new delivery is handled on its own.
     *
     * @return {@code true} when this delivery can no longer be settled
     */
    default boolean returnedToBroker() {
        return false;
    }

    /**
     * The message's order group: messages with the same key run one at a time in arrival order, a
     * failed one blocking those behind it until it succeeds or is dead-lettered.
     *
     * @return the key, or {@code null} when the message need not wait for any other
     */
    default String orderKey() {
        return null;
    }

    /** @return where the message came from, for logs: {@code subject orders.eu, stream seq 42} */
    String describe();
}
