package io.nucleon.trigger.cron;

import io.nucleon.trigger.cron.CronTriggerConfig.ConcurrencyPolicy;
import io.nucleon.trigger.cron.CronTriggerConfig.MissedTickPolicy;
import io.nucleon.trigger.cron.CronTriggerMetrics.MissedReason;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * Decides when a cron trigger fires. Each duty cycle reads the clock once; between ticks it only compares
 * that time with the next tick's, so an idle trigger costs nothing but its wake-ups.
 *
 * <p>The rules, in the order they apply to a tick that falls due:
 *
 * <ol>
 *   <li><b>Late ticks.</b> When several ticks fell due since the last cycle (a GC pause, a stopped
 *       process, the wall clock jumping forward), {@code missedTickPolicy: fireOnce} fires one tick for
 *       all of them and counts the others as missed ({@code reason=late}); {@code skip} fires none and
 *       counts them all. One tick that is due fires either way.
 *   <li><b>Concurrency.</b> The trigger has at most {@code maxInFlight} ticks queued or running: 1 for
 *       {@code concurrencyPolicy: forbid}, {@code numWorkers} for {@code allow}. With forbid a tick that
 *       finds the previous one in flight is skipped (counted). With allow, a tick that finds {@code
 *       numWorkers} in flight waits and fires as soon as one ends; ticks falling due while it waits are
 *       missed ({@code reason=busy}), so a slow function gets one catch-up tick, not a backlog.
 *   <li><b>Full ring.</b> A tick the dispatcher refuses is missed ({@code reason=ring_full}); the agent
 *       never blocks.
 * </ol>
 *
 * <p>When the wall clock steps back, the next tick is computed again from the new time, so a clock
 * correction neither stalls an interval for the length of the step nor replays a burst of ticks.
 */
final class CronAgent implements Agent {

    /** After the schedule or the dispatcher threw, the agent tries again this much later. */
    static final long RETRY_AFTER_ERROR_MS = 1_000;

    private final String roleName;
    private final TickSchedule schedule;
    private final boolean forbidOverlap;
    private final boolean skipMissed;
    private final int maxInFlight;
    private final EpochClock clock;
    private final TickSink sink;
    private final CronTriggerMetrics metrics;

    private volatile boolean accepting = true;
    private long nextTickMillis = TickSchedule.NEVER;
    private long lastNowMillis = Long.MIN_VALUE;
    private boolean waitingForWorker;
    private long waitingDueMillis;
    private long sequence;

    /**
     * @param roleName the agent's thread name
     * @param config the trigger's schedule and policies
     * @param numWorkers the trigger's workers: how many ticks may be in flight at once with allow
     * @param clock wall-clock time, read once per duty cycle
     * @param sink where fired ticks go
     * @param metrics where ticks that did not fire are counted
     */
    CronAgent(
            String roleName,
            CronTriggerConfig config,
            int numWorkers,
            EpochClock clock,
            TickSink sink,
            CronTriggerMetrics metrics) {
        this.roleName = roleName;
        this.schedule = config.schedule();
        this.forbidOverlap = config.concurrencyPolicy() == ConcurrencyPolicy.FORBID;
        this.skipMissed = config.missedTickPolicy() == MissedTickPolicy.SKIP;
        this.maxInFlight = forbidOverlap ? 1 : Math.max(1, numWorkers);
        this.clock = clock;
        this.sink = sink;
        this.metrics = metrics;
    }

    /** The first tick is the schedule's first after now: an interval's one period after the start. */
    @Override
    public void onStart() {
        long now = clock.time();
        lastNowMillis = now;
        nextTickMillis = schedule.nextAfter(now, now);
    }

    @Override
    public int doWork() {
        long now = clock.time();
        try {
            return work(now);
        } catch (RuntimeException e) {
            // The runner does not idle after an error: without this, a schedule that fails to compute its
            // next tick would fail again at once, forever, on a busy thread.
            nextTickMillis = now + RETRY_AFTER_ERROR_MS;
            throw e;
        }
    }

    private int work(long now) {
        if (now < lastNowMillis) {
            nextTickMillis = schedule.nextAfter(nextTickMillis, now); // the wall clock stepped back
        }
        lastNowMillis = now;
        if (!accepting) {
            return 0;
        }
        int work = 0;
        if (waitingForWorker && sink.inFlight() < maxInFlight) {
            waitingForWorker = false;
            fire(waitingDueMillis);
            work++;
        }
        if (now >= nextTickMillis) {
            onDue(now);
            work++;
        }
        return work;
    }

    private void onDue(long now) {
        long dueAt = nextTickMillis; // for a fire-once of several missed ticks: the first of them
        long due = schedule.count(nextTickMillis, now + 1);
        nextTickMillis = schedule.nextAfter(nextTickMillis, now);
        if (due > 1) {
            if (skipMissed) {
                metrics.missed(MissedReason.LATE, due);
                return;
            }
            metrics.missed(MissedReason.LATE, due - 1);
        }
        if (sink.inFlight() < maxInFlight) {
            fire(dueAt);
        } else if (forbidOverlap) {
            metrics.skipped();
        } else if (waitingForWorker || skipMissed) {
            metrics.missed(MissedReason.BUSY, 1);
        } else {
            waitingForWorker = true;
            waitingDueMillis = dueAt;
        }
    }

    private void fire(long scheduledMillis) {
        if (sink.fire(sequence, scheduledMillis)) {
            sequence++;
            metrics.fired();
        } else {
            metrics.missed(MissedReason.RING_FULL, 1);
        }
    }

    /** Stops firing; ticks already fired still run. Safe from any thread. */
    void stopAccepting() {
        accepting = false;
    }

    /**
     * For the idle strategy, on the agent's thread: how long nothing is due.
     *
     * @return milliseconds from the last duty cycle to the next tick; 1 while a tick waits for a worker
     */
    long millisUntilNextTick() {
        if (waitingForWorker && accepting) {
            return 1;
        }
        if (!accepting || nextTickMillis == TickSchedule.NEVER) {
            return Long.MAX_VALUE;
        }
        return nextTickMillis - lastNowMillis;
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
