package io.nucleon.runtime.dispatch;

import io.nucleon.function.Event;
import java.nio.ByteBuffer;
import java.util.Map;

/** The baseline's event: one preallocated, immutable instance handed off again and again. */
final class FixedEvent implements Event {

    private final ByteBuffer body;

    FixedEvent(ByteBuffer body) {
        this.body = body;
    }

    @Override
    public long id() {
        return 0;
    }

    @Override
    public String triggerKind() {
        return "bench";
    }

    @Override
    public String triggerName() {
        return "bench";
    }

    @Override
    public String contentType() {
        return "";
    }

    @Override
    public ByteBuffer body() {
        return body;
    }

    @Override
    public int bodySize() {
        return body.limit();
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
        return -1;
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
