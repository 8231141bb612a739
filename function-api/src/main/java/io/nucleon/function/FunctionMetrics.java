package io.nucleon.function;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The function's own metrics, published on the processor's {@code /metrics} (Prometheus) beside the
 * processor's, each tagged with the function's name. Meters are shared by all workers: asking twice for the same
 * name and tags gives the same meter. Create them in {@link Lifecycle#init} and keep them in fields; looking a
 * meter up on every event costs a map lookup.
 *
 * <p>Names follow Micrometer's dotted style and become Prometheus names: a counter {@code orders.enriched} shows
 * as {@code orders_enriched_total}. Tags are given as key/value pairs: {@code counter("orders", "region", "eu")}.
 */
public interface FunctionMetrics {

    /**
     * @param name the counter's name
     * @param tags key/value pairs
     * @return the counter
     * @throws IllegalArgumentException for an odd number of tag strings, or a name used by another meter type
     */
    Counter counter(String name, String... tags);

    /**
     * @param name the timer's name
     * @param tags key/value pairs
     * @return the timer (published as a Prometheus summary in seconds: count, sum and max)
     */
    Timer timer(String name, String... tags);

    /**
     * @param name the summary's name
     * @param tags key/value pairs
     * @return a distribution summary of amounts (sizes, scores)
     */
    Summary summary(String name, String... tags);

    /**
     * Publishes a value read when metrics are scraped. The supplier is called from the scraping thread. A gauge is
     * registered once per processor: when every worker registers the same name and tags, the first supplier is
     * the one read (and kept). Register it from one worker ({@code workerId() == 0}, say) with a supplier that
     * covers the whole function, e.g. the context cache's size or a shared queue's.
     *
     * @param name the gauge's name
     * @param value reads the current value
     * @param tags key/value pairs
     */
    void gauge(String name, DoubleSupplier value, String... tags);

    /**
     * The full Micrometer API for what the methods above do not cover (histograms, SLOs, function counters):
     * {@code metrics().registry(io.micrometer.core.instrument.MeterRegistry.class)} gives a registry whose meters
     * are published on {@code /metrics} with the function's tags. Compile against micrometer-core in {@code
     * provided} scope; the processor supplies it.
     *
     * @param <R> the registry type
     * @param type {@code io.micrometer.core.instrument.MeterRegistry}
     * @return the registry view
     * @throws IllegalArgumentException when {@code type} is not a type of that registry
     */
    <R> R registry(Class<R> type);

    /** A monotonically increasing count. */
    interface Counter {

        /** Adds one. */
        void increment();

        /** @param amount what to add; not negative */
        void increment(double amount);

        /** @return the total so far */
        double count();
    }

    /** Durations of something that happens many times. */
    interface Timer {

        /** @param duration how long one occurrence took */
        void record(Duration duration);

        /** @param nanos how long one occurrence took, in nanoseconds ({@code System.nanoTime()} differences) */
        void recordNanos(long nanos);

        /** @return how many occurrences were recorded */
        long count();
    }

    /** Amounts of something that happens many times. */
    interface Summary {

        /** @param amount one occurrence's amount */
        void record(double amount);

        /** @return how many amounts were recorded */
        long count();
    }
}
