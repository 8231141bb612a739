package io.nucleon.runtime.state;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.nucleon.function.FunctionMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * {@link FunctionMetrics} over the processor's registry: every meter carries the function's tags. The simple
 * meters are registered on the processor's registry itself (no composite in the way of an increment); {@link
 * #registry} hands out a view that adds the same tags to whatever is registered through it.
 */
public final class MicrometerFunctionMetrics implements FunctionMetrics {

    private final MeterRegistry registry;
    private final Tags functionTags;
    private final CompositeMeterRegistry view;

    /**
     * @param registry the processor's registry, scraped on {@code /metrics}
     * @param functionTags tags every user meter carries ({@code function})
     */
    public MicrometerFunctionMetrics(MeterRegistry registry, Tags functionTags) {
        this.registry = registry;
        this.functionTags = functionTags;
        this.view = new CompositeMeterRegistry(Clock.SYSTEM, List.of(registry));
        this.view.config().commonTags(functionTags).meterFilter(new ReservedNames());
    }

    @Override
    public FunctionMetrics.Counter counter(String name, String... tags) {
        io.micrometer.core.instrument.Counter counter = io.micrometer.core.instrument.Counter.builder(checked(name))
                .tags(tags(tags))
                .register(registry);
        return new FunctionMetrics.Counter() {
            @Override
            public void increment() {
                counter.increment();
            }

            @Override
            public void increment(double amount) {
                counter.increment(amount);
            }

            @Override
            public double count() {
                return counter.count();
            }
        };
    }

    @Override
    public FunctionMetrics.Timer timer(String name, String... tags) {
        io.micrometer.core.instrument.Timer timer = io.micrometer.core.instrument.Timer.builder(checked(name))
                .tags(tags(tags))
                .register(registry);
        return new FunctionMetrics.Timer() {
            @Override
            public void record(Duration duration) {
                timer.record(duration);
            }

            @Override
            public void recordNanos(long nanos) {
                timer.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public long count() {
                return timer.count();
            }
        };
    }

    @Override
    public FunctionMetrics.Summary summary(String name, String... tags) {
        io.micrometer.core.instrument.DistributionSummary summary =
                io.micrometer.core.instrument.DistributionSummary.builder(checked(name))
                        .tags(tags(tags))
                        .register(registry);
        return new FunctionMetrics.Summary() {
            @Override
            public void record(double amount) {
                summary.record(amount);
            }

            @Override
            public long count() {
                return summary.count();
            }
        };
    }

    @Override
    public void gauge(String name, DoubleSupplier value, String... tags) {
        Gauge.builder(checked(name), value, DoubleSupplier::getAsDouble)
                .tags(tags(tags))
                .strongReference(true) // the supplier is often a lambda nothing else holds
                .register(registry);
    }

    @Override
    public <R> R registry(Class<R> type) {
        if (!type.isInstance(view)) {
            throw new IllegalArgumentException(
                    "metrics().registry(...) gives an " + MeterRegistry.class.getName() + ", not a " + type.getName());
        }
        return type.cast(view);
    }

    private Tags tags(String... tags) {
        if (tags.length % 2 != 0) {
            throw new IllegalArgumentException("tags must be key/value pairs, got " + tags.length + " strings");
        }
        for (int i = 0; i < tags.length; i += 2) {
            String key = tags[i];
            if (functionTags.stream().anyMatch(tag -> tag.getKey().equals(key))) {
                throw new IllegalArgumentException("tag '" + key + "' is set by the processor; choose another key");
            }
        }
        return functionTags.and(Tags.of(tags));
    }

    static String checked(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("nucleon") || lower.startsWith("jvm") || lower.startsWith("process")) {
            throw new IllegalArgumentException("meter name '" + name
                    + "' starts with a prefix the processor's own metrics use (nucleon, jvm, process); choose another");
        }
        return name;
    }

    /** The registry view refuses the processor's own prefixes too. */
    private static final class ReservedNames implements io.micrometer.core.instrument.config.MeterFilter {

        @Override
        public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
            checked(id.getName());
            return id;
        }
    }
}
