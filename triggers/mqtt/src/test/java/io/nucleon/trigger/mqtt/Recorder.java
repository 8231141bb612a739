package io.nucleon.trigger.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test function saw, per function name (each test uses its own), and how it behaves: values
 * starting "poison" always fail, "flaky" fail their first run, "stuck" run past the event timeout on
 * their first run, "hang" wait for {@link #release} while {@link #hanging}, and values in {@link
 * #failing} fail for as long as they are in it.
 */
final class Recorder {

    private static final Map<String, Recorder> BY_FUNCTION = new ConcurrentHashMap<>();

    /** One run of the function for one message. */
    record Seen(String value, String topic, Map<String, String> headers, long timestampMillis, boolean succeeded) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    volatile boolean hanging = true;
    volatile long delayMillis;

    static Recorder of(String function) {
        return BY_FUNCTION.computeIfAbsent(function, name -> new Recorder());
    }

    /** @return the number of this run of {@code value}, from 1 */
    int attempt(String value) {
        return attempts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
    }

    int attemptsOf(String value) {
        AtomicInteger count = attempts.get(value);
        return count == null ? 0 : count.get();
    }

    /** @return values handled successfully, in the order they were handled (repeats included) */
    List<String> succeededValues() {
        List<String> values = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded()) {
                values.add(run.value());
            }
        }
        return values;
    }

    /** @return the successful runs of one topic's messages, in the order they ran */
    List<String> succeededValuesOf(String topic) {
        List<String> values = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded() && run.topic().equals(topic)) {
                values.add(run.value());
            }
        }
        return values;
    }

    /** @return the last successful run of {@code value} */
    Seen lastSuccess(String value) {
        Seen last = null;
        for (Seen run : seen) {
            if (run.succeeded() && run.value().equals(value)) {
                last = run;
            }
        }
        return last;
    }
}
