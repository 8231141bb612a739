package io.nucleon.trigger.cron;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;

/**
 * Parks a cron agent's thread until its next tick, so a trigger that fires once an hour does not wake a
 * thousand times a second, and one that fires every few milliseconds still fires on time.
 *
 * <p>It never parks longer than {@value #MAX_PARK_MS} ms: parking counts monotonic time, while ticks
 * are set in wall-clock time, so a wall clock that jumps forward (a suspended VM that resumes, an NTP
 * step) is noticed within that bound.
 */
final class CronIdleStrategy implements IdleStrategy {

    static final long MAX_PARK_MS = 100;

    private final CronAgent agent;

    CronIdleStrategy(CronAgent agent) {
        this.agent = agent;
    }

    @Override
    public void idle(int workCount) {
        if (workCount <= 0) {
            idle();
        }
    }

    @Override
    public void idle() {
        long millis = Math.clamp(agent.millisUntilNextTick(), 1, MAX_PARK_MS);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Override
    public void reset() {}

    @Override
    public String alias() {
        return "cron";
    }
}
