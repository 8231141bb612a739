package io.nucleon.trigger.kafka;

import io.nucleon.function.Event;
import io.nucleon.runtime.dispatch.EventGroup;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Consecutive records of one partition handed to one worker: a run (each record to {@code
 * Function.handle}, in order) or a micro-batch (all to {@code BatchFunction.handleBatch}). The records
 * stay in the partition's own lists; the unit holds its own copy of the references so the poll thread can
 * change those lists while a worker reads the unit.
 */
final class RecordUnit implements EventGroup {

    private final PartitionState partition;
    private final List<ConsumerRecord<byte[], byte[]>> records;
    private final boolean batch;
    private final boolean retry;
    private final KafkaRecordEvent[] events;
    private final Consumer<RecordUnit> releases;
    private long firstId;
    private volatile boolean stopRequested;
    private volatile int started;
    private volatile int handled;
    private volatile boolean reportRelease;
    private boolean timedOut;

    /**
     * @param releases where {@link #release()} reports the unit once {@link #reportRelease()} was asked
     *     for: the poll thread waits for a timed-out or abandoned unit's worker before its partition's
     *     records run again
     */
    RecordUnit(
            PartitionState partition,
            List<ConsumerRecord<byte[], byte[]>> records,
            boolean batch,
            boolean retry,
            String triggerName,
            Consumer<RecordUnit> releases) {
        this.partition = partition;
        this.releases = releases;
        this.records = records;
        this.batch = batch;
        this.retry = retry;
        this.events = new KafkaRecordEvent[batch ? records.size() : 1];
        for (int i = 0; i < events.length; i++) {
            events[i] = new KafkaRecordEvent(triggerName);
        }
    }

    PartitionState partition() {
        return partition;
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** @return whether this unit re-runs records that failed before */
    boolean isRetry() {
        return retry;
    }

    /** Poll thread: the unit was answered as timed out; its worker may still be running it. */
    void markTimedOut() {
        timedOut = true;
        reportRelease = true;
    }

    boolean timedOut() {
        return timedOut;
    }

    /** Poll thread: tell me when the worker has let go (the unit is abandoned or timed out). */
    void reportRelease() {
        reportRelease = true;
    }

    /** @return how many records of the run were started; exact once released */
    int startedCount() {
        return started;
    }

    /** @return how many leading records of the run succeeded; exact once released */
    int handledCount() {
        return handled;
    }

    @Override
    public void started(int index) {
        started = index + 1;
    }

    @Override
    public void handled(int index) {
        handled = index + 1;
    }

    @Override
    public void release() {
        if (reportRelease) {
            releases.accept(this);
        }
    }

    /** Asks a run to stop before its next record: the partition is being given up. */
    void requestStop() {
        stopRequested = true;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public boolean isBatch() {
        return batch;
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public Event event(int index) {
        return events[0].point(records.get(index), firstId + index);
    }

    @Override
    public List<Event> events() {
        for (int i = 0; i < events.length; i++) {
            events[i].point(records.get(i), firstId + i);
        }
        return Collections.unmodifiableList(Arrays.asList(events));
    }

    @Override
    public void assignIds(long firstEventId) {
        this.firstId = firstEventId;
    }
}
