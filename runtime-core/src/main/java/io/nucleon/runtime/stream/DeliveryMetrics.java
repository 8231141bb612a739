package io.nucleon.runtime.stream;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The delivery counters of a trigger on a broker that acknowledges messages one at a time, tagged with
 * {@code function}, {@code trigger_kind} and {@code trigger_id}:
 *
 * <ul>
 *   <li>{@code nucleon_trigger_messages_handled_total}: acknowledged after the function succeeded
 *   <li>{@code nucleon_trigger_messages_failed_total}: runs that failed or timed out
 *   <li>{@code nucleon_trigger_messages_retried_total}: runs again after a failure (locally or redelivered)
 *   <li>{@code nucleon_trigger_messages_dead_lettered_total}: sent to the dead-letter destination
 *   <li>{@code nucleon_trigger_ack_failures_total}: acknowledgements the broker did not take (it redelivers)
 *   <li>{@code nucleon_trigger_messages_dropped_total{reason}}: lost before the function saw them (NATS
 *       core subjects when the client's pending limits overflow)
 *   <li>{@code nucleon_trigger_messages_in_flight}: taken from the broker and not yet settled
 * </ul>
 */
public final class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final LongAdder handled = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder ackFailures = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * Registers the meters.
     *
     * @param registry where they go
     * @param functionName the function
     * @param triggerKind the trigger's kind
     * @param triggerName the trigger's name
     */
    public DeliveryMetrics(MeterRegistry registry, String functionName, String triggerKind, String triggerName) {
        this.registry = registry;
        this.tags = Tags.of("function", functionName, "trigger_kind", triggerKind, "trigger_id", triggerName);
        counter("nucleon_trigger_messages_handled", "Messages acknowledged after the function succeeded", handled);
        counter("nucleon_trigger_messages_failed", "Runs of a message that failed or timed out", failed);
        counter("nucleon_trigger_messages_retried", "Messages run again after a failure", retried);
        counter("nucleon_trigger_messages_dead_lettered", "Messages sent to the dead-letter destination", deadLettered);
        counter("nucleon_trigger_ack_failures", "Acknowledgements the broker did not take", ackFailures);
        Gauge.builder("nucleon_trigger_messages_in_flight", inFlight, AtomicInteger::get)
                .description("Messages taken from the broker and not yet settled")
                .tags(tags)
                .register(registry);
    }

    /**
     * Registers a count of messages lost before dispatch, read from the client when scraped.
     *
     * @param reason the {@code reason} tag, e.g. {@code slow_consumer}
     * @param source the object holding the count
     * @param count reads the count
     * @param <T> the source's type
     */
    public <T> void dropped(String reason, T source, java.util.function.ToDoubleFunction<T> count) {
        FunctionCounter.builder("nucleon_trigger_messages_dropped", source, count)
                .description("Messages lost before the function saw them")
                .tags(tags.and("reason", reason))
                .register(registry);
    }

    private void counter(String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    void handled() {
        handled.increment();
    }

    void failed() {
        failed.increment();
    }

    void retried() {
        retried.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void ackFailed() {
        ackFailures.increment();
    }

    void inFlight(int delta) {
        inFlight.addAndGet(delta);
    }

    /** @return messages acknowledged after success */
    public long handledCount() {
        return handled.sum();
    }
}
