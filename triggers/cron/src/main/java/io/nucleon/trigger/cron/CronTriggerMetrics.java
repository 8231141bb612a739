package io.nucleon.trigger.cron;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the worker pool cannot see about a schedule: ticks that never became events. Kept in {@link
 * LongAdder}s and read by Micrometer only when scraped.
 *
 * <ul>
 *   <li>{@code nucleon_cron_ticks_fired_total}: ticks handed to the workers
 *   <li>{@code nucleon_cron_ticks_skipped_total}: ticks skipped because the previous one still ran
 *       ({@code concurrencyPolicy: forbid})
 *   <li>{@code nucleon_cron_ticks_missed_total{reason=late|busy|ring_full|no_worker}}: ticks that fell
 *       due but did not run; see {@link MissedReason}
 *   <li>{@code nucleon_cron_ticks_handled_total{result=success|failure}}: fired ticks by how the
 *       function ended; failure: threw, timed out, or answered with a status of 400 or more
 * </ul>
 */
final class CronTriggerMetrics {

    /** Why a tick that fell due did not run. */
    enum MissedReason {
        /** Fell due while the agent could not look (a pause, a clock jump), and was merged or skipped. */
        LATE,
        /** Fell due while every worker this trigger may use ran one of its ticks ({@code allow} only). */
        BUSY,
        /** Every slot of the worker pool's ring was taken. */
        RING_FULL,
        /** Queued, but no worker took it within {@code workerAvailabilityTimeoutMilliseconds}. */
        NO_WORKER
    }

    private final LongAdder fired = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder[] missed = new LongAdder[MissedReason.values().length];
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();

    CronTriggerMetrics(MeterRegistry registry, Tags tags) {
        counter(registry, "nucleon_cron_ticks_fired", "Ticks handed to the workers", tags, fired);
        counter(
                registry,
                "nucleon_cron_ticks_skipped",
                "Ticks skipped because the previous tick still ran (concurrencyPolicy: forbid)",
                tags,
                skipped);
        for (MissedReason reason : MissedReason.values()) {
            missed[reason.ordinal()] = new LongAdder();
            counter(
                    registry,
                    "nucleon_cron_ticks_missed",
                    "Ticks that fell due but did not run, by reason",
                    tags.and("reason", reason.name().toLowerCase(Locale.ROOT)),
                    missed[reason.ordinal()]);
        }
        String handled = "Fired ticks by how the function ended";
        counter(registry, "nucleon_cron_ticks_handled", handled, tags.and("result", "success"), succeeded);
        counter(registry, "nucleon_cron_ticks_handled", handled, tags.and("result", "failure"), failed);
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    void fired() {
        fired.increment();
    }

    void skipped() {
        skipped.increment();
    }

    void missed(MissedReason reason, long ticks) {
        missed[reason.ordinal()].add(ticks);
    }

    void succeeded() {
        succeeded.increment();
    }

    void failed() {
        failed.increment();
    }

    long firedCount() {
        return fired.sum();
    }

    long skippedCount() {
        return skipped.sum();
    }

    long missedCount(MissedReason reason) {
        return missed[reason.ordinal()].sum();
    }

    long succeededCount() {
        return succeeded.sum();
    }

    long failedCount() {
        return failed.sum();
    }
}
