package io.nucleon.trigger.cron;

import java.time.Duration;

/**
 * A tick every {@code periodMillis}, counted from the trigger's start. Pure arithmetic, so catching up
 * after a long pause costs nothing and allocates nothing.
 *
 * @param periodMillis the interval, at least 1
 * @param text the interval as written in function.yaml
 */
record IntervalSchedule(long periodMillis, String text) implements TickSchedule {

    IntervalSchedule {
        if (periodMillis < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms, got " + periodMillis);
        }
    }

    static IntervalSchedule of(Duration interval, String text) {
        return new IntervalSchedule(interval.toMillis(), text);
    }

    @Override
    public long nextAfter(long tickMillis, long nowMillis) {
        return tickMillis + (Math.floorDiv(nowMillis - tickMillis, periodMillis) + 1) * periodMillis;
    }

    @Override
    public long count(long fromMillis, long toMillis) {
        return toMillis <= fromMillis ? 0 : (toMillis - fromMillis + periodMillis - 1) / periodMillis;
    }

    @Override
    public String describe() {
        return "every " + text;
    }
}
