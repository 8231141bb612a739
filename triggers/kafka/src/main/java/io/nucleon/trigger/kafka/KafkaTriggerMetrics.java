package io.nucleon.trigger.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nucleon.runtime.stream.StreamRecordMetrics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kafka trigger's own metrics, on top of the per-event ones every trigger has. Updated by the poll
 * thread only; read by the metrics scrape.
 */
final class KafkaTriggerMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final StreamRecordMetrics records;
    private final Counter commitFailures;
    private final Counter rebalances;
    private final Timer commitLatency;
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicInteger paused = new AtomicInteger();

    KafkaTriggerMetrics(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.records =
                new StreamRecordMetrics(registry, tags, "nucleon_kafka", "Records sent to the dead-letter topic");
        this.commitFailures = counter("nucleon_kafka_commit_failures", "Offset commits the broker refused");
        this.rebalances = counter("nucleon_kafka_partitions_revoked", "Partitions given up in rebalances");
        this.commitLatency = Timer.builder("nucleon_kafka_commit_latency")
                .description("Time from sending an offset commit to the broker's answer")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_kafka_buffered_records", buffered, AtomicLong::get)
                .description("Records fetched and not yet handled, across partitions")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_kafka_paused_partitions", paused, AtomicInteger::get)
                .description("Partitions paused because their buffer is full")
                .tags(tags)
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** @return the records handled, failed, retried and dead-lettered ({@code nucleon_kafka_records_*}) */
    StreamRecordMetrics records() {
        return records;
    }

    void commitFailed() {
        commitFailures.increment();
    }

    void revoked(int partitions) {
        rebalances.increment(partitions);
    }

    void commitLatency(long nanos) {
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void buffered(long records) {
        buffered.set(records);
    }

    void pausedPartitions(int delta) {
        paused.addAndGet(delta);
    }

    /**
     * Registers the lag gauge of a newly assigned partition.
     *
     * @return the gauge, to remove when the partition goes
     */
    Gauge lagGauge(PartitionState state) {
        return Gauge.builder("nucleon_kafka_consumer_lag", state, PartitionState::lag)
                .description("Records in the partition after the consumer's position")
                .tags(tags.and("topic", state.topicPartition().topic())
                        .and(
                                "partition",
                                Integer.toString(state.topicPartition().partition())))
                .register(registry);
    }

    void remove(Gauge gauge) {
        registry.remove(gauge);
    }
}
