package io.nucleon.trigger.cron;

/** Where the {@link CronAgent} sends the ticks it decides to fire; {@link CronDispatch} in production. */
interface TickSink {

    /**
     * Hands one tick to the workers, without blocking.
     *
     * @param sequence the tick's number, from 0; the function reads it as {@code Event.offset()}
     * @param scheduledMillis when the tick fell due; the function reads it as {@code Event.timestampMillis()}
     * @return {@code false} when the ring was full and the tick was dropped
     */
    boolean fire(long sequence, long scheduledMillis);

    /** @return ticks handed over whose outcome is not yet known (queued or running) */
    int inFlight();
}
