package io.nucleon.trigger.nats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** What {@link RecordingFunction} saw, per function name (each test uses its own). */
final class Recorder {

    private static final Map<String, Recorder> BY_FUNCTION = new ConcurrentHashMap<>();

    /** One run of the function for one message. */
    record Seen(
            String trigger,
            String value,
            String topic,
            long offset,
            long timestampMillis,
            String contentType,
            Map<String, String> headers,
            boolean succeeded,
            String thread) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    /** Released by the test: "hang" values wait for it on their first attempt. */
    final CountDownLatch release = new CountDownLatch(1);

    volatile long delayMillis;

    static Recorder of(String function) {
        return BY_FUNCTION.computeIfAbsent(function, name -> new Recorder());
    }

    static void reset(String function) {
        Recorder recorder = BY_FUNCTION.remove(function);
        if (recorder != null) {
            recorder.release.countDown();
        }
    }

    /** @return the attempt number of this run of {@code value}, counting from 1 */
    int attempt(String value) {
        return attempts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
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

    /** @return values one trigger handled successfully */
    List<String> succeededValuesBy(String trigger) {
        List<String> values = new ArrayList<>();
        for (Seen run : seen) {
            if (run.succeeded() && run.trigger().equals(trigger)) {
                values.add(run.value());
            }
        }
        return values;
    }

    /** @return every run of {@code value} */
    List<Seen> runsOf(String value) {
        return seen.stream().filter(run -> run.value().equals(value)).toList();
    }
}
