package io.nucleon.runtime.dispatch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One trigger's entry into its worker pool. Triggers call {@link #dispatch} from their own threads; it
 * never blocks and never allocates.
 */
public final class EventDispatcher {

    private final WorkerPool pool;
    private final String triggerKind;
    private final String triggerName;
    private final long availabilityTimeoutNanos;
    private final TriggerMetrics metrics;
    private final AtomicLong nextId = new AtomicLong();

    EventDispatcher(
            WorkerPool pool,
            String triggerKind,
            String triggerName,
            long availabilityTimeoutNanos,
            TriggerMetrics metrics) {
        this.pool = pool;
        this.triggerKind = triggerKind;
        this.triggerName = triggerName;
        this.availabilityTimeoutNanos = availabilityTimeoutNanos;
        this.metrics = metrics;
    }

    /**
     * Hands an event to the pool.
     *
     * @param adapter reads the event's fields out of {@code attachment}
     * @param attachment the trigger's own event object; released through the adapter when done
     * @param completion told when the outcome is known
     * @param <A> the type of the trigger's event object
     * @return the slot now carrying the event, or {@code null} when the ring is full (the trigger keeps
     *     ownership of {@code attachment} and must answer or pause by itself)
     */
    public <A> EventSlot dispatch(EventAdapter<A> adapter, A attachment, EventCompletion completion) {
        EventSlot slot = pool.claim();
        if (slot == null) {
            metrics.recordRingFull();
            return null;
        }
        long now = pool.clock().nanoTime();
        long happened = adapter.timestampMillis(attachment);
        slot.fill(
                this,
                adapter,
                attachment,
                completion,
                nextId.incrementAndGet(),
                happened >= 0 ? happened : System.currentTimeMillis(),
                now,
                pool.hasIdleWorker());
        pool.publish(slot);
        return slot;
    }

    /**
     * Hands several events to the pool as one unit: one worker runs them in order (a run) or passes them
     * to a {@code BatchFunction} in one call (a batch). See {@link EventGroup}.
     *
     * @param group the events; released through {@link EventGroup#release()} when done
     * @param completion told when the whole unit's outcome is known
     * @return the slot now carrying the group, or {@code null} when the ring is full (the trigger keeps
     *     the group)
     */
    public EventSlot dispatchGroup(EventGroup group, EventCompletion completion) {
        EventSlot slot = pool.claim();
        if (slot == null) {
            metrics.recordRingFull();
            return null;
        }
        long firstId;
        try {
            firstId = nextId.getAndAdd(group.size()) + 1;
            group.assignIds(firstId);
        } catch (RuntimeException e) {
            slot.unclaim(); // the trigger's group failed: the slot goes back, the ring stays whole
            throw e;
        }
        slot.fill(
                this,
                EventGroupAdapter.INSTANCE,
                group,
                completion,
                firstId,
                System.currentTimeMillis(),
                pool.clock().nanoTime(),
                pool.hasIdleWorker());
        pool.publish(slot);
        return slot;
    }

    /**
     * Asks every worker of this trigger's pool to run its function instance's {@code drain()} hook, on
     * the worker's own thread, between events. Stream triggers call it before giving partitions up.
     *
     * @return completed when every worker has run the hook (a worker busy with a long event runs it
     *     after that event; callers wait with a bound)
     */
    public java.util.concurrent.CompletableFuture<Void> drainFunctions() {
        return pool.drainFunctions();
    }

    /** @return the kind of the trigger this dispatcher serves */
    public String triggerKind() {
        return triggerKind;
    }

    /** @return the name of the trigger this dispatcher serves */
    public String triggerName() {
        return triggerName;
    }

    /** @return this trigger's counters */
    public TriggerMetrics metrics() {
        return metrics;
    }

    long availabilityTimeoutNanos() {
        return availabilityTimeoutNanos;
    }
}
