package io.nucleon.trigger.kinesis;

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
 * The Kinesis trigger's own metrics, on top of the per-event ones every trigger has. Updated by the poll
 * thread only; read by the metrics scrape.
 */
final class KinesisTriggerMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final StreamRecordMetrics records;
    private final Counter getRecords;
    private final Counter throttled;
    private final Counter expiredIterators;
    private final Counter apiErrors;
    private final Counter checkpointFailures;
    private final Counter shardsEnded;
    private final Timer checkpointLatency;
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicInteger reading = new AtomicInteger();

    KinesisTriggerMetrics(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.records =
                new StreamRecordMetrics(registry, tags, "nucleon_kinesis", "Records put to the dead-letter stream");
        this.getRecords = counter("nucleon_kinesis_get_records_calls", "GetRecords calls that Kinesis answered");
        this.throttled = counter(
                "nucleon_kinesis_throttled", "Reads Kinesis refused for exceeding the shard's provisioned throughput");
        this.expiredIterators = counter("nucleon_kinesis_iterators_expired", "Shard iterators that expired");
        this.apiErrors = counter(
                "nucleon_kinesis_api_errors", "Kinesis calls that failed (endpoint unreachable, stream missing, ...)");
        this.checkpointFailures = counter("nucleon_kinesis_checkpoint_failures", "Checkpoint saves that failed");
        this.shardsEnded =
                counter("nucleon_kinesis_shards_ended", "Closed shards read to their end and checkpointed as ended");
        this.checkpointLatency = Timer.builder("nucleon_kinesis_checkpoint_latency")
                .description("Time one checkpoint save took")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_kinesis_buffered_records", buffered, AtomicLong::get)
                .description("Records fetched and not yet done, across shards")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_kinesis_shards_reading", reading, AtomicInteger::get)
                .description("Shards the trigger reads now (not waiting for parents, not ended)")
                .tags(tags)
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** @return the records handled, failed, retried and dead-lettered ({@code nucleon_kinesis_records_*}) */
    StreamRecordMetrics records() {
        return records;
    }

    void getRecords() {
        getRecords.increment();
    }

    void throttled() {
        throttled.increment();
    }

    void iteratorExpired() {
        expiredIterators.increment();
    }

    void apiError() {
        apiErrors.increment();
    }

    void checkpointFailed() {
        checkpointFailures.increment();
    }

    void shardEnded() {
        shardsEnded.increment();
    }

    void checkpointLatency(long nanos) {
        checkpointLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void buffered(long records) {
        buffered.set(records);
    }

    void reading(int shards) {
        reading.set(shards);
    }

    /**
     * Registers the lag gauge of a shard the trigger starts reading.
     *
     * @return the gauge, to remove when the shard ends
     */
    Gauge millisBehindGauge(ShardState shard) {
        return Gauge.builder("nucleon_kinesis_millis_behind_latest", shard, ShardState::millisBehindLatest)
                .description("How far the shard's last GetRecords was behind the tip of the shard (MillisBehindLatest)")
                .tags(tags.and("shard_id", shard.shardId()))
                .register(registry);
    }

    void remove(Gauge gauge) {
        registry.remove(gauge);
    }
}
