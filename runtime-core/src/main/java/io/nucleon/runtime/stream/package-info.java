/**
 * Building blocks shared by stream and message triggers: the {@link io.nucleon.runtime.stream.RetryPolicy}
 * (backoff, attempts, then a dead letter) used by every one of them, and {@link
 * io.nucleon.runtime.stream.AckingDispatcher}, the at-least-once delivery loop of triggers on brokers that
 * acknowledge messages one at a time (NATS JetStream, RabbitMQ, MQTT): ack after success, retry with
 * backoff, dead-letter, back-pressure and order per key.
 */
package io.nucleon.runtime.stream;
