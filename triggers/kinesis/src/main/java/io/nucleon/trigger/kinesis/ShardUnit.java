package io.nucleon.trigger.kinesis;

import io.nucleon.function.Event;
import io.nucleon.runtime.dispatch.EventGroup;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Consecutive records of one shard handed to one worker: a run (each record to {@code Function.handle},
 * in order) or a micro-batch (all to {@code BatchFunction.handleBatch}). The records stay in the shard's
 * own lists; the unit holds its own copy of the references so the poll thread can change those lists while
 * a worker reads the unit.
 */
final class ShardUnit implements EventGroup {

    private final ShardState shard;
    private final List<Record> records;
    private final boolean batch;
    private final boolean retry;
    private final KinesisRecordEvent[] events;
    private final Consumer<ShardUnit> releases;
    private long firstId;
    private volatile int started;
    private volatile int handled;
    private volatile boolean reportRelease;
    private boolean timedOut;

    /**
     * @param releases where {@link #release()} reports the unit once {@link #reportRelease()} was asked for:
     *     the poll thread waits for a timed-out unit's worker before the shard's records run again
     */
    ShardUnit(
            ShardState shard,
            List<Record> records,
            boolean batch,
            boolean retry,
            String triggerName,
            String streamName,
            Consumer<ShardUnit> releases) {
        this.shard = shard;
        this.records = records;
        this.batch = batch;
        this.retry = retry;
        this.releases = releases;
        this.events = new KinesisRecordEvent[batch ? records.size() : 1];
        for (int i = 0; i < events.length; i++) {
            events[i] = new KinesisRecordEvent(triggerName, streamName);
        }
    }

    ShardState shard() {
        return shard;
    }

    List<Record> records() {
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

    /** Poll thread: tell me when the worker has let go (the trigger is closing and leaves it behind). */
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
        return events[0].point(records.get(index), shard, firstId + index);
    }

    @Override
    public List<Event> events() {
        for (int i = 0; i < events.length; i++) {
            events[i].point(records.get(i), shard, firstId + i);
        }
        return Collections.unmodifiableList(Arrays.asList(events));
    }

    @Override
    public void assignIds(long firstEventId) {
        this.firstId = firstEventId;
    }
}
