/**
 * Building blocks shared by stream triggers (Kafka, Kinesis, NATS JetStream, RabbitMQ): the retry
 * policy with backoff that decides when a failed record is tried again or sent to a dead letter.
 */
package io.nucleon.runtime.stream;
