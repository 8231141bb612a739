/**
 * The {@code rabbit-mq} trigger: consumes one RabbitMQ queue with manual acknowledgements and runs its
 * messages on several workers at once, acknowledging each only after the function succeeded, retrying
 * failures and rejecting those whose attempts are used up to a dead-letter exchange. It declares the
 * exchange, queue and bindings it needs (or checks them), and reconnects with backoff when the broker goes
 * away. See docs/triggers/rabbit-mq.md.
 */
package io.nucleon.trigger.rabbitmq;
