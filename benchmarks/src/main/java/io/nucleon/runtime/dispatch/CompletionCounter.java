package io.nucleon.runtime.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Completed events, counted by the worker threads and read by the producer to bound the events in
 * flight. Padded on both sides so that the counter does not share a cache line with the producer's
 * fields.
 *
 * <p>Waiting gives up when no event completes for a while, so that a benchmark whose events are lost
 * fails with a message instead of hanging until JMH's ten-minute iteration timeout.
 */
final class CompletionCounter extends CompletionCounterRhsPadding {

    /** Spins before yielding; on a 2-core machine the workers need the CPU the producer would spin on. */
    private static final int SPINS_BEFORE_YIELD = 100;

    /** How long the producer waits for any progress inside a measurement before it calls events lost. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(CompletionCounterValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Counts one completed event; safe from several threads. */
    void increment() {
        VALUE.getAndAdd(this, 1L);
    }

    /** @return events completed so far */
    long get() {
        return value;
    }

    /**
     * Waits until at least {@code target} events have completed.
     *
     * @param target the count to wait for
     * @throws IllegalStateException when no event completes for {@link #STALL_NANOS}
     */
    void awaitAtLeast(long target) {
        if (value < target && !awaitAtLeast(target, STALL_NANOS)) {
            throw new IllegalStateException("no event completed for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS)
                    + " s while " + (target - value) + " more were awaited: events were lost");
        }
    }

    /**
     * Waits, spinning then yielding, until at least {@code target} events have completed or none has
     * completed for {@code stallNanos}.
     *
     * @param target the count to wait for
     * @param stallNanos how long to wait without progress
     * @return whether {@code target} was reached
     */
    boolean awaitAtLeast(long target, long stallNanos) {
        int spins = 0;
        long seen = value;
        long lastProgressNanos = 0;
        long current;
        while ((current = value) < target) {
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
                continue;
            }
            Thread.yield();
            long now = System.nanoTime();
            if (current != seen || lastProgressNanos == 0) {
                seen = current;
                lastProgressNanos = now;
            } else if (now - lastProgressNanos > stallNanos) {
                return false;
            }
        }
        return true;
    }
}

@SuppressWarnings("unused") // padding
abstract class CompletionCounterLhsPadding {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class CompletionCounterValue extends CompletionCounterLhsPadding {
    volatile long value;
}

@SuppressWarnings("unused") // padding
abstract class CompletionCounterRhsPadding extends CompletionCounterValue {
    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30;
}
