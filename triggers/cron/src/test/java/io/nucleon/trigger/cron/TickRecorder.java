package io.nucleon.trigger.cron;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The function the end-to-end tests run. It records every tick it sees, and by the tick's body:
 * {@code block} waits until {@link #UNBLOCK} opens (at most 10 s), {@code fail} throws.
 */
public final class TickRecorder implements Function {

    /** What the function saw of one tick, copied out of the reused event. */
    record Seen(
            String body,
            String source,
            String contentType,
            int headerCount,
            long offset,
            String triggerKind,
            String triggerName,
            String path,
            String method) {}

    static final Queue<Seen> SEEN = new ConcurrentLinkedQueue<>();
    static volatile CountDownLatch UNBLOCK = new CountDownLatch(1);

    static void reset() {
        SEEN.clear();
        UNBLOCK = new CountDownLatch(1);
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        String body = event.bodyString();
        SEEN.add(new Seen(
                body,
                event.header("x-source"),
                event.contentType(),
                event.headers().size(),
                event.offset(),
                event.triggerKind(),
                event.triggerName(),
                event.path(),
                event.method()));
        switch (body) {
            case "block" -> UNBLOCK.await(10, TimeUnit.SECONDS);
            case "fail" -> throw new IllegalStateException("tick failed\nsecond line stays out of the log");
            default -> {}
        }
        return Response.noContent();
    }
}
