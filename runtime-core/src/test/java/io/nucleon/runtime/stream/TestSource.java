package io.nucleon.runtime.stream;

import io.nucleon.function.Event;
import java.nio.ByteBuffer;
import java.util.Map;
import org.slf4j.spi.LoggingEventBuilder;

/** An ordered source of numbered records, as a trigger would extend it. */
final class TestSource extends OrderedSource<TestSource.Rec> {

    /** A record at a position in its source. */
    record Rec(long offset) {}

    TestSource() {
        super(unit -> {});
    }

    void fetch(long fromOffset, int count, long nowNanos) {
        for (long offset = fromOffset; offset < fromOffset + count; offset++) {
            fetched(new Rec(offset), nowNanos);
        }
    }

    @Override
    protected RecordEvent<Rec> newEvent() {
        return new RecEvent();
    }

    @Override
    public LoggingEventBuilder describe(LoggingEventBuilder line, Rec record) {
        return line.addKeyValue("offset", record.offset());
    }

    /** The function's view of a {@link Rec}: its offset, nothing more. */
    static final class RecEvent implements RecordEvent<Rec> {

        private Rec record;
        private long id;

        @Override
        public Event point(Rec record, long id) {
            this.record = record;
            this.id = id;
            return this;
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
            return "test";
        }

        @Override
        public String contentType() {
            return "";
        }

        @Override
        public ByteBuffer body() {
            return ByteBuffer.allocate(0);
        }

        @Override
        public int bodySize() {
            return 0;
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
            return -1;
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return record.offset();
        }

        @Override
        public String topic() {
            return "test";
        }

        @Override
        public ByteBuffer key() {
            return null;
        }
    }
}
