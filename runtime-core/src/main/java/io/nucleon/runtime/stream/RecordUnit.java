package io.nucleon.runtime.stream;

import io.nucleon.function.Event;
import io.nucleon.runtime.dispatch.EventGroup;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Consecutive records of one {@link OrderedSource} handed to one worker: a run (each record to {@code
 * Function.handle}, in order) or a micro-batch (all to {@code BatchFunction.handleBatch}). The records stay
 * in the source's own lists; the unit holds its own copy of the references so the poll thread can change
 * those lists while a worker reads the unit.
 *
 * @param <R> the record type of the stream
 */
public final class RecordUnit<R> implements EventGroup {

    private final OrderedSource<R> source;
    private final List<R> records;
    private final boolean batch;
    private final boolean retry;
    private final RecordEvent<R>[] events;
    private final Consumer<RecordUnit<R>> releases;
    private long firstId;
    private volatile boolean stopRequested;
    private volatile int started;
    private volatile int handled;
    private volatile boolean reportRelease;
    private boolean timedOut;

    /**
     * @param releases where {@link #release()} reports the unit once {@link #reportRelease()} was asked
     *     for: the poll thread waits for a timed-out or abandoned unit's worker before the source's records
     *     run again
     */
    @SuppressWarnings("unchecked") // an array of a generic interface: only RecordEvent<R> goes in
    RecordUnit(
            OrderedSource<R> source, List<R> records, boolean batch, boolean retry, Consumer<RecordUnit<R>> releases) {
        this.source = source;
        this.records = records;
        this.batch = batch;
        this.retry = retry;
        this.releases = releases;
        this.events = (RecordEvent<R>[]) new RecordEvent<?>[batch ? records.size() : 1];
        for (int i = 0; i < events.length; i++) {
            events[i] = source.newEvent();
        }
    }

    /**
     * @param group a group a stream trigger dispatched: one of its own units, of its own record type
     * @return the group as that unit
     */
    @SuppressWarnings("unchecked") // the trigger dispatches only units of its own record type
    public static <R> RecordUnit<R> of(EventGroup group) {
        return (RecordUnit<R>) group;
    }

    /** @return the source whose records these are */
    public OrderedSource<R> source() {
        return source;
    }

    /** @return the records, in stream order */
    public List<R> records() {
        return records;
    }

    /** @return whether this unit re-runs records that failed before */
    public boolean isRetry() {
        return retry;
    }

    /** Poll thread: the unit was answered as timed out; its worker may still be running it. */
    public void markTimedOut() {
        timedOut = true;
        reportRelease = true;
    }

    /** @return whether the unit was answered as timed out */
    public boolean timedOut() {
        return timedOut;
    }

    /** Poll thread: tell me when the worker has let go (the unit is abandoned or timed out). */
    public void reportRelease() {
        reportRelease = true;
    }

    /** @return how many records of the run were started; exact once released */
    public int startedCount() {
        return started;
    }

    /** @return how many leading records of the run succeeded; exact once released */
    public int handledCount() {
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

    /** Asks a run to stop before its next record: the source is being given up. */
    public void requestStop() {
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
