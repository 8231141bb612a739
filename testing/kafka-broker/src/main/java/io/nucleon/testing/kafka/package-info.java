/**
 * A real Apache Kafka broker for tests and local runs, started by the build itself: no Docker, no
 * installed Kafka.
 *
 * <p>{@link io.nucleon.testing.kafka.KafkaBroker} runs one KRaft node (broker and controller in one
 * process) in a child JVM on loopback ports, from a classpath this module's build wrote into its own
 * resources. The broker's jars are therefore never on the classpath of the tests that use it, and
 * cannot clash with the code under test. {@link io.nucleon.testing.kafka.KafkaBrokerExtension} shares
 * one broker per test JVM with JUnit 5 tests; {@link io.nucleon.testing.kafka.KafkaBrokerMain} runs one
 * from the command line for the examples.
 */
package io.nucleon.testing.kafka;
