package io.nucleon.runtime.dispatch;

import io.nucleon.function.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link EventGroup} of events whose bodies the test names; records what the dispatcher and the slot
 * did with it ({@link #assignIds} calls, releases and the thread that released).
 */
final class TestGroup implements EventGroup {

    final List<Long> assignedIds = new CopyOnWriteArrayList<>();
    final AtomicInteger releases = new AtomicInteger();
    volatile String releasedOn;
    private final boolean batch;
    private final List<Event> events;

    private TestGroup(boolean batch, String... bodies) {
        this.batch = batch;
        List<Event> made = new ArrayList<>();
        for (String body : bodies) {
            made.add(new TestEvent(body));
        }
        this.events = Collections.unmodifiableList(made);
    }

    /** A run: one {@code Function.handle} call per event, in order. */
    static TestGroup run(String... bodies) {
        return new TestGroup(false, bodies);
    }

    /** A batch: one {@code BatchFunction.handleBatch} call with every event. */
    static TestGroup batch(String... bodies) {
        return new TestGroup(true, bodies);
    }

    @Override
    public boolean isBatch() {
        return batch;
    }

    @Override
    public int size() {
        return events.size();
    }

    @Override
    public Event event(int index) {
        return events.get(index);
    }

    @Override
    public List<Event> events() {
        return events;
    }

    @Override
    public void assignIds(long firstEventId) {
        assignedIds.add(firstEventId);
        for (int i = 0; i < events.size(); i++) {
            ((TestEvent) events.get(i)).id = firstEventId + i;
        }
    }

    @Override
    public void release() {
        releasedOn = Thread.currentThread().getName();
        releases.incrementAndGet();
    }

    /** A plain event of a stream trigger: a body and an id; everything else neutral. */
    static final class TestEvent implements Event {

        private final byte[] body;
        private volatile long id = -1;

        TestEvent(String body) {
            this.body = body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public String triggerKind() {
            return "test";
        }

        @Override
        public String triggerName() {
            return "t1";
        }

        @Override
        public String contentType() {
            return "";
        }

        @Override
        public ByteBuffer body() {
            return ByteBuffer.wrap(body).asReadOnlyBuffer();
        }

        @Override
        public int bodySize() {
            return body.length;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public long timestampMillis() {
            return 0;
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return -1;
        }

        @Override
        public String topic() {
            return "";
        }

        @Override
        public ByteBuffer key() {
            return null;
        }
    }
}
