package io.nucleon.runtime.dispatch;

import java.util.List;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * The one thread that enforces time limits: an event running past {@code eventTimeout} is answered as
 * {@link EventOutcome#TIMEOUT} and its worker replaced; an event waiting for a worker past its trigger's
 * {@code workerAvailabilityTimeoutMilliseconds} is answered as {@link EventOutcome#NO_WORKER}. Workers
 * never check a clock for others, so the data path stays free of timers.
 */
public final class TimeoutWatchdog implements Agent {

    private final List<WorkerPool> pools;
    private final NanoClock clock;

    /**
     * @param pools the pools to watch
     * @param clock the time source, the same as the pools'
     */
    public TimeoutWatchdog(List<WorkerPool> pools, NanoClock clock) {
        this.pools = List.copyOf(pools);
        this.clock = clock;
    }

    @Override
    public int doWork() {
        long now = clock.nanoTime();
        int answered = 0;
        for (int i = 0; i < pools.size(); i++) {
            answered += pools.get(i).checkTimeouts(now);
        }
        return answered;
    }

    @Override
    public String roleName() {
        return "nucleon-timeout-watchdog";
    }
}
