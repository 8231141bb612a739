/**
 * Building blocks shared by stream and message triggers: the {@link io.nucleon.runtime.stream.RetryPolicy}
 * (backoff, attempts, then a dead letter) used by every one of them, and {@link
 * io.nucleon.runtime.stream.AckingDispatcher}, the at-least-once delivery loop of triggers on brokers that
 * acknowledge messages one at a time (NATS JetStream, RabbitMQ, MQTT): ack after success, retry with
 * backoff, dead-letter, back-pressure and order per key.
 *
 * <p>For ordered streams read by position (Kafka partitions, Kinesis shards) it holds the machinery both
 * triggers use, generic over the record type: {@link io.nucleon.runtime.stream.OrderedSource} (one
 * partition or shard: what is pending, in flight and failed, one unit in flight at a time), {@link
 * io.nucleon.runtime.stream.RecordUnit} (a run or micro-batch handed to a worker, showing records through
 * {@link io.nucleon.runtime.stream.RecordEvent} views), {@link io.nucleon.runtime.stream.RecordOutcomes}
 * (settle, retry, dead-letter through a {@link io.nucleon.runtime.stream.DeadLetterSink}) and {@link
 * io.nucleon.runtime.stream.StreamRecordMetrics}. The triggers extend {@code OrderedSource} with their
 * stream's own position (offsets to commit, sequence numbers to checkpoint).
 */
package io.nucleon.runtime.stream;
