package io.nucleon.binding.rabbitmq;

import java.io.Serial;

/**
 * A message published through a {@link RabbitMqBinding} is not known to be in RabbitMQ: it was nacked, not
 * confirmed within {@code confirmTimeout}, returned as unroutable ({@code mandatory}), or its channel or connection
 * closed. The message says which, with the binding, the exchange and the routing key. Thrown out of a function, it
 * fails the event, which its trigger retries; a message may then reach RabbitMQ twice (after a confirm timeout, it
 * may have arrived), so consumers should be idempotent.
 */
public final class RabbitMqPublishException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and why
     * @param cause what the client threw, or {@code null}
     */
    public RabbitMqPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
