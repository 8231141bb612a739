package io.nucleon.trigger.kinesis;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On their first run, values starting "stuck" block past the event timeout, ignoring interrupts (as
 * blocking I/O or a tight loop does), then succeed; "stuckfail" values block and then throw. Every start
 * and end goes to {@link #TIMELINE}, so tests can see whether runs of one shard overlapped.
 */
public final class StuckOnceFunction implements Function {

    static final List<String> TIMELINE = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    static volatile long blockMillis = 1_600;

    @Override
    public Response handle(Context context, Event event) {
        String value = event.bodyString();
        int attempt = ATTEMPTS.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
        TIMELINE.add("start " + value + "#" + attempt);
        try {
            if (value.startsWith("stuck") && attempt == 1) {
                blockIgnoringInterrupts();
                if (value.startsWith("stuckfail")) {
                    throw new IllegalStateException("failed late: " + value);
                }
            }
            return Response.noContent();
        } finally {
            TIMELINE.add("end " + value + "#" + attempt);
        }
    }

    private static void blockIgnoringInterrupts() {
        long until = System.nanoTime() + blockMillis * 1_000_000L;
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ignored) {
                // deliberately ignored: the watchdog's interrupt does not stop this function
            }
        }
    }
}
