/**
 * End-to-end RabbitMQ throughput: the {@code rabbit-mq} trigger in a real processor against a plain
 * amqp-client consumer that acknowledges each message after the same work ({@code rabbitmq-compare.sh}).
 */
package io.nucleon.benchmarks.rabbitmq;
