package io.nucleon.runtime.dispatch;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-trigger counters, kept in {@link LongAdder}s on the data path and read by Micrometer only when
 * scraped, so counting costs no allocation. Names follow Nuclio's processor metrics:
 *
 * <ul>
 *   <li>{@code nuclio_processor_handled_events_total{result=success|failure}}
 *   <li>{@code nuclio_processor_worker_allocation_total{result=success_immediate|success_after_wait|error_timeout}}
 *   <li>{@code nuclio_processor_worker_allocation_wait_duration_seconds} (count and sum)
 *   <li>{@code nuclio_processor_handled_events_duration_seconds} (count and sum)
 *   <li>{@code nucleon_trigger_events_rejected_total{reason=ring_full}} (Nucleon's own)
 * </ul>
 */
public final class TriggerMetrics {

    private final LongAdder success = new LongAdder();
    private final LongAdder failure = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder allocationImmediate = new LongAdder();
    private final LongAdder allocationAfterWait = new LongAdder();
    private final LongAdder allocationTimeout = new LongAdder();
    private final LongAdder ringFull = new LongAdder();
    private final LongAdder waitCount = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder durationCount = new LongAdder();
    private final LongAdder durationNanos = new LongAdder();

    TriggerMetrics() {}

    void register(MeterRegistry registry, Tags tags) {
        String handled = "Events the function handled, by result (failure: threw or timed out)";
        counter(registry, "nuclio_processor_handled_events", handled, tags.and("result", "success"), success);
        counter(registry, "nuclio_processor_handled_events", handled, tags.and("result", "failure"), failure);
        counter(registry, "nucleon_processor_event_timeouts", "Events that ran past spec.eventTimeout", tags, timeouts);
        String allocation = "Worker allocations, by result";
        counter(
                registry,
                "nuclio_processor_worker_allocation",
                allocation,
                tags.and("result", "success_immediate"),
                allocationImmediate);
        counter(
                registry,
                "nuclio_processor_worker_allocation",
                allocation,
                tags.and("result", "success_after_wait"),
                allocationAfterWait);
        counter(
                registry,
                "nuclio_processor_worker_allocation",
                allocation,
                tags.and("result", "error_timeout"),
                allocationTimeout);
        counter(
                registry,
                "nucleon_trigger_events_rejected",
                "Events refused before dispatch",
                tags.and("reason", "ring_full"),
                ringFull);
        timer(
                registry,
                "nuclio_processor_worker_allocation_wait_duration",
                "Time events waited for a worker",
                tags,
                waitCount,
                waitNanos);
        timer(
                registry,
                "nuclio_processor_handled_events_duration",
                "Time the function took per event",
                tags,
                durationCount,
                durationNanos);
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    private static void timer(
            MeterRegistry registry, String name, String description, Tags tags, LongAdder count, LongAdder nanos) {
        FunctionTimer.builder(name, count, LongAdder::longValue, ignored -> nanos.doubleValue(), TimeUnit.NANOSECONDS)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    void recordAllocation(boolean immediate) {
        (immediate ? allocationImmediate : allocationAfterWait).increment();
    }

    void recordRingFull() {
        ringFull.increment();
    }

    void recordWait(long nanos) {
        waitCount.increment();
        waitNanos.add(nanos);
    }

    void recordDuration(long nanos) {
        durationCount.increment();
        durationNanos.add(nanos);
    }

    void recordOutcome(EventOutcome outcome) {
        switch (outcome) {
            case SUCCESS -> success.increment();
            case FUNCTION_ERROR -> failure.increment();
            case TIMEOUT -> {
                failure.increment();
                timeouts.increment();
            }
            case NO_WORKER -> allocationTimeout.increment();
        }
    }

    /** @return events the function handled successfully */
    public long handledSuccess() {
        return success.sum();
    }

    /** @return events that failed: the function threw or timed out */
    public long handledFailure() {
        return failure.sum();
    }
}
