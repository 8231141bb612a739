package io.nucleon.trigger.cron;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets at most one log line through per window and counts the ones it held back, so a function that
 * fails on every tick of a one-millisecond interval writes one line a minute, not a thousand a second.
 * Safe to call from any thread.
 */
final class LogThrottle {

    /** Returned by {@link #tryAcquire} when the caller must not log. */
    static final long HOLD = -1;

    private final long windowMillis;
    private final AtomicLong nextAllowedMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong heldBack = new AtomicLong();

    LogThrottle(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /**
     * @param nowMillis the current time
     * @return {@link #HOLD}, or how many lines were held back since the last one that went through
     */
    long tryAcquire(long nowMillis) {
        long allowedAt = nextAllowedMillis.get();
        if (nowMillis >= allowedAt && nextAllowedMillis.compareAndSet(allowedAt, nowMillis + windowMillis)) {
            return heldBack.getAndSet(0);
        }
        heldBack.incrementAndGet();
        return HOLD;
    }
}
