package io.nucleon.trigger.rabbitmq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test function saw, per function name (each test uses its own), and how it behaves: bodies
 * starting {@code poison} always fail, {@code failN-} fail their first N runs, {@code hang} sleep {@link
 * #hangMillis} on their first run; every run sleeps {@link #delayMillis}.
 */
final class Recorder {

    private static final Map<String, Recorder> BY_FUNCTION = new ConcurrentHashMap<>();

    /** One run of the function for one message. */
    record Seen(
            String value,
            boolean succeeded,
            String topic,
            String contentType,
            long timestampMillis,
            Map<String, String> headers,
            boolean readOnlyBody,
            String thread) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    volatile long delayMillis;
    volatile long hangMillis = 10_000;

    static Recorder of(String function) {
        return BY_FUNCTION.computeIfAbsent(function, name -> new Recorder());
    }

    /** @return the run number of this value, counting from 1 */
    int attempt(String value) {
        return attempts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
    }

    static boolean shouldFail(String value, int attempt) {
        if (value.startsWith("poison")) {
            return true;
        }
        if (value.startsWith("fail")) {
            int dash = value.indexOf('-');
            return attempt <= Integer.parseInt(value.substring(4, dash));
        }
        return false;
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

    /** @return the first successful run of a value */
    Seen succeeded(String value) {
        for (Seen run : seen) {
            if (run.succeeded() && run.value().equals(value)) {
                return run;
            }
        }
        return null;
    }
}
