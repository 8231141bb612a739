/**
 * The {@code rabbit-mq} data binding: functions publish to RabbitMQ through {@link
 * io.nucleon.binding.rabbitmq.RabbitMqBinding}, each publish waiting for the broker's confirm, with one connection
 * per processor (recovered automatically) and one channel per worker. See docs/bindings/rabbit-mq.md.
 */
package io.nucleon.binding.rabbitmq;
