/**
 * The {@code kafka} data binding: one thread-safe Kafka producer per processor, shared by every worker, that
 * functions fetch as a {@link io.nucleon.binding.kafka.KafkaProducerBinding} to write records to Kafka topics.
 * The processor creates it from {@code spec.dataBindings}, checks at start that the brokers answer, publishes the
 * producer's metrics and closes it at shutdown.
 */
package io.nucleon.binding.kafka;
