package io.nucleon.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import io.nucleon.runtime.function.FunctionLogger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;

/**
 * Many events through a tiny ring with more threads than cores: the queues wrap around every few
 * events, so a worker descheduled in the middle of a poll is common. No event may be lost and no slot
 * may leak (both happened when a failed queue offer was ignored).
 */
class RingContentionTest {

    private static final int EVENTS = 200_000;
    private static final Response OK = Response.ok("ok");

    @Test
    void shouldAnswerEveryEventAndRecycleEverySlotUnderContention() {
        WorkerPool pool = new WorkerPool(new WorkerPoolSettings(
                "contended",
                "fn",
                3,
                4,
                Duration.ofMinutes(1),
                () -> (Function) (context, event) -> OK,
                i -> new FunctionLogger("fn", i),
                getClass().getClassLoader(),
                SystemNanoClock.INSTANCE));
        pool.start(Duration.ofSeconds(5));
        EventDispatcher dispatcher =
                pool.dispatcher("test", "t", Duration.ofMinutes(1), new SimpleMeterRegistry(), Tags.empty());
        AtomicLong answered = new AtomicLong();
        EventCompletion completion = slot -> {
            answered.incrementAndGet();
            slot.release();
        };
        EventAdapter<Object> adapter = new EventAdapter<>() {
            @Override
            public ByteBuffer body(Object attachment) {
                return ByteBuffer.allocate(0);
            }

            @Override
            public int bodySize(Object attachment) {
                return 0;
            }
        };
        try {
            int dispatched = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (dispatched < EVENTS) {
                if (dispatcher.dispatch(adapter, this, completion) != null) {
                    dispatched++;
                } else {
                    assertThat(System.nanoTime())
                            .as("ring stuck at %d answered", answered.get())
                            .isLessThan(deadline);
                    Thread.yield();
                }
            }
            Await.await(() -> answered.get() == EVENTS, Duration.ofSeconds(10), "every event answered");
            Await.await(
                    () -> pool.inFlight() == 0 && pool.freeSlots() == pool.ringSize(),
                    Duration.ofSeconds(5),
                    "every slot back on the free list");
        } finally {
            pool.close();
        }
    }
}
