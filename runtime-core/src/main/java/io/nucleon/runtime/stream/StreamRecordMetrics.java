package io.nucleon.runtime.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The record counters every ordered-stream trigger has, named after the trigger kind:
 *
 * <ul>
 *   <li>{@code <prefix>_records_handled_total}: records the function handled successfully
 *   <li>{@code <prefix>_records_failed_total}: runs of a record that failed or timed out
 *   <li>{@code <prefix>_records_retried_total}: records run again after a failure
 *   <li>{@code <prefix>_records_dead_lettered_total}: records sent to the dead-letter destination
 * </ul>
 *
 * Updated by the poll thread only; read by the metrics scrape.
 */
public final class StreamRecordMetrics {

    private final Counter handled;
    private final Counter failed;
    private final Counter retried;
    private final Counter deadLettered;

    /**
     * @param prefix the metric names' prefix, e.g. {@code nucleon_kafka}
     * @param deadLetteredDescription the description of the dead-letter counter, naming the destination
     */
    public StreamRecordMetrics(MeterRegistry registry, Tags tags, String prefix, String deadLetteredDescription) {
        this.handled =
                counter(registry, tags, prefix + "_records_handled", "Records the function handled successfully");
        this.failed = counter(registry, tags, prefix + "_records_failed", "Runs of a record that failed or timed out");
        this.retried = counter(registry, tags, prefix + "_records_retried", "Records run again after a failure");
        this.deadLettered = counter(registry, tags, prefix + "_records_dead_lettered", deadLetteredDescription);
    }

    private static Counter counter(MeterRegistry registry, Tags tags, String name, String description) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** Records the function handled successfully. */
    public void handled(int records) {
        handled.increment(records);
    }

    /** Runs of a record that failed or timed out. */
    public void failed(int records) {
        failed.increment(records);
    }

    /** Records handed out again after a failure. */
    public void retried(int records) {
        retried.increment(records);
    }

    /** Records the dead-letter destination acknowledged. */
    public void deadLettered(int records) {
        deadLettered.increment(records);
    }
}
