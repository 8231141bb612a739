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
        slot.fill(
                this,
                adapter,
                attachment,
                completion,
                nextId.incrementAndGet(),
                System.currentTimeMillis(),
                now,
                pool.hasIdleWorker());
        pool.publish(slot);
        return slot;
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
