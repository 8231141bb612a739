/**
 * What the {@code rabbit-mq} trigger and the {@code rabbit-mq} data binding share, so that neither depends on the
 * other: {@link io.nucleon.support.rabbitmq.AmqpUrl}, the AMQP URL read the same way by both (and never printed with
 * its password), and {@link io.nucleon.support.rabbitmq.AmqpConnections}, the client's connection factory set up
 * from it. Each module adds its own recovery, timeouts and metrics.
 */
package io.nucleon.support.rabbitmq;
