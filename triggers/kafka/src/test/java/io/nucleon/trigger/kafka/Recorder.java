package io.nucleon.trigger.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test functions saw, per function name (each test uses its own), so tests can assert on
 * order, attempts and batch shapes.
 */
final class Recorder {

    private static final Map<String, Recorder> BY_FUNCTION = new ConcurrentHashMap<>();

    /** One run of the function for one record; {@code trigger} tells processors of one group apart. */
    record Seen(String trigger, int partition, long offset, String value, boolean succeeded, String thread) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    /** {@link System#nanoTime()} when each batch reached the function, in the order of {@link #batches}. */
    final List<Long> batchNanos = new CopyOnWriteArrayList<>();

    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final AtomicInteger drains = new AtomicInteger();
    /** The worker thread of each drain hook run ({@code nucleon-worker-<trigger>-<n>}). */
    final List<String> drainThreads = new CopyOnWriteArrayList<>();

    final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    volatile long delayMillis;

    static Recorder of(String function) {
        return BY_FUNCTION.computeIfAbsent(function, name -> new Recorder());
    }

    static void reset(String function) {
        BY_FUNCTION.remove(function);
    }

    /** @return whether this run of {@code value} should fail: values starting "poison" always, "flaky" once */
    boolean shouldFail(String value) {
        int attempt = attempts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
        return value.startsWith("poison") || (value.startsWith("flaky") && attempt == 1);
    }

    int attemptsOf(String value) {
        AtomicInteger count = attempts.get(value);
        return count == null ? 0 : count.get();
    }

    /** @return values handled successfully, in the order they were handled */
    List<String> succeededValues() {
        List<String> values = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded()) {
                values.add(run.value());
            }
        }
        return values;
    }

    /** @return values one trigger handled successfully, in the order they were handled */
    List<String> succeededValuesBy(String trigger) {
        List<String> values = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded() && run.trigger().equals(trigger)) {
                values.add(run.value());
            }
        }
        return values;
    }

    /** @return offsets of one partition that one trigger handled successfully, in the order it handled them */
    List<Long> succeededOffsets(String trigger, int partition) {
        List<Long> offsets = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded() && run.partition() == partition && run.trigger().equals(trigger)) {
                offsets.add(run.offset());
            }
        }
        return offsets;
    }

    /** @return offsets of successful runs of one partition, in the order they were handled */
    List<Long> succeededOffsets(int partition) {
        List<Long> offsets = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded() && run.partition() == partition) {
                offsets.add(run.offset());
            }
        }
        return offsets;
    }
}
