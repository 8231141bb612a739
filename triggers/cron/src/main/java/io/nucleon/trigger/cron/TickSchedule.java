package io.nucleon.trigger.cron;

/**
 * When a cron trigger's ticks fall due, in epoch milliseconds. A schedule is a series of instants; the
 * {@link CronAgent} keeps its place in the series and asks the schedule only when a tick is due or the
 * wall clock stepped back.
 */
sealed interface TickSchedule permits IntervalSchedule, CronSchedule {

    /** Returned by {@link #nextAfter} when the series has no more ticks. */
    long NEVER = Long.MAX_VALUE;

    /**
     * The first tick strictly after {@code nowMillis}.
     *
     * @param tickMillis a tick of the series, which interval schedules stay in step with
     * @param nowMillis the current time
     * @return the next tick, or {@link #NEVER}
     */
    long nextAfter(long tickMillis, long nowMillis);

    /**
     * How many ticks fall in {@code [fromMillis, toMillis)}.
     *
     * @param fromMillis a tick of the series
     * @param toMillis the end, exclusive
     * @return the count; cron schedules stop counting at {@link CronSchedule#MAX_COUNTED_TICKS}
     */
    long count(long fromMillis, long toMillis);

    /** @return the schedule as the user wrote it, for logs */
    String describe();
}
