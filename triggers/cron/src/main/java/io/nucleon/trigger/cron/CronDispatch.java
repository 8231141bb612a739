package io.nucleon.trigger.cron;

import io.nucleon.runtime.dispatch.EventCompletion;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the agent's ticks into events and counts how they end.
 *
 * <p>{@link #onComplete} runs on the worker (or watchdog) thread. It only counts, logs at most one line
 * a minute and releases the slot, none of which blocks, so unlike triggers that answer a client it
 * needs no hand-off to a thread of its own.
 */
final class CronDispatch implements TickSink, EventCompletion {

    /** Ticks kept for reuse; more in flight at once (allow, many workers) are allocated and then dropped. */
    static final int POOLED_TICKS = 64;

    /** At most one failure line per this many milliseconds, with the count of those held back. */
    static final long FAILURE_LOG_WINDOW_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(CronDispatch.class);

    private final String triggerName;
    private final String functionName;
    private final EventDispatcher dispatcher;
    private final CronEventTemplate template;
    private final CronTriggerMetrics metrics;
    private final EpochClock clock;
    private final ManyToOneConcurrentArrayQueue<CronTick> ticks = new ManyToOneConcurrentArrayQueue<>(POOLED_TICKS);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LogThrottle failureLog = new LogThrottle(FAILURE_LOG_WINDOW_MS);

    CronDispatch(
            String triggerName,
            String functionName,
            EventDispatcher dispatcher,
            CronEventTemplate template,
            CronTriggerMetrics metrics,
            EpochClock clock) {
        this.triggerName = triggerName;
        this.functionName = functionName;
        this.dispatcher = dispatcher;
        this.template = template;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public boolean fire(long sequence, long scheduledMillis) {
        CronTick tick = ticks.poll();
        if (tick == null) {
            tick = new CronTick(template, ticks);
        }
        tick.reset(sequence, scheduledMillis);
        inFlight.incrementAndGet(); // before dispatch: the outcome may arrive before dispatch returns
        EventSlot slot;
        try {
            slot = dispatcher.dispatch(CronEventAdapter.INSTANCE, tick, this);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet(); // or forbid would wait for this tick forever
            throw e;
        }
        if (slot == null) {
            inFlight.decrementAndGet();
            tick.recycle();
            return false;
        }
        return true;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void onComplete(EventSlot slot) {
        try {
            record(slot);
        } finally {
            slot.release();
            inFlight.decrementAndGet();
        }
    }

    private void record(EventSlot slot) {
        EventOutcome outcome = slot.outcome();
        switch (outcome) {
            case SUCCESS -> {
                if (slot.response().status() < 400) {
                    metrics.succeeded();
                } else {
                    failed(slot, outcome, "status " + slot.response().status());
                }
            }
            case FUNCTION_ERROR -> failed(slot, outcome, describe(slot.error()));
            case TIMEOUT -> failed(slot, outcome, "ran past spec.eventTimeout");
            case NO_WORKER -> metrics.missed(CronTriggerMetrics.MissedReason.NO_WORKER, 1);
        }
    }

    private void failed(EventSlot slot, EventOutcome outcome, String problem) {
        metrics.failed();
        long heldBack = failureLog.tryAcquire(clock.time());
        if (heldBack == LogThrottle.HOLD) {
            return;
        }
        LOG.atWarn()
                .setMessage("function failed on a cron tick")
                .addKeyValue("function", functionName)
                .addKeyValue("trigger", triggerName)
                .addKeyValue("tick", slot.offset())
                .addKeyValue("outcome", outcome)
                .addKeyValue("error", problem)
                .addKeyValue("failuresNotLogged", heldBack)
                .log();
    }

    /** The exception's type and the first line of its message: the log stays one line per failure. */
    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getName();
        }
        int lineBreak = message.indexOf('\n');
        return error.getClass().getName() + ": " + (lineBreak < 0 ? message : message.substring(0, lineBreak));
    }
}
