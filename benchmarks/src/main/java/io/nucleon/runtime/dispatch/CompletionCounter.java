package io.nucleon.runtime.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Completed events, counted by the worker threads and read by the producer to bound the events in
 * flight. Padded on both sides so that the counter does not share a cache line with the producer's
 * fields.
 */
final class CompletionCounter extends CompletionCounterRhsPadding {

    /** Spins before yielding; on a 2-core machine the workers need the CPU the producer would spin on. */
    private static final int SPINS_BEFORE_YIELD = 100;

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

    /**
     * Waits, spinning then yielding, until at least {@code target} events have completed.
     *
     * @param target the count to wait for
     */
    void awaitAtLeast(long target) {
        int spins = 0;
        while (value < target) {
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
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
