package io.nucleon.runtime.stream;

import io.nucleon.function.Event;
import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A broker message as one event of a {@link MessageBatch}: the trigger's {@link EventAdapter} reads its
 * fields, nothing is copied.
 *
 * @param <M> the trigger's message type
 */
final class MessageEvent<M> implements Event {

    private final EventAdapter<M> adapter;
    private final String triggerKind;
    private final String triggerName;
    private final M message;
    private final long id;

    MessageEvent(EventAdapter<M> adapter, String triggerKind, String triggerName, M message, long id) {
        this.adapter = adapter;
        this.triggerKind = triggerKind;
        this.triggerName = triggerName;
        this.message = message;
        this.id = id;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String triggerKind() {
        return triggerKind;
    }

    @Override
    public String triggerName() {
        return triggerName;
    }

    @Override
    public String contentType() {
        return adapter.contentType(message);
    }

    @Override
    public ByteBuffer body() {
        return adapter.body(message);
    }

    @Override
    public int bodySize() {
        return adapter.bodySize(message);
    }

    @Override
    public String header(String name) {
        return adapter.header(message, name);
    }

    @Override
    public Map<String, String> headers() {
        return adapter.headers(message);
    }

    @Override
    public String method() {
        return adapter.method(message);
    }

    @Override
    public String path() {
        return adapter.path(message);
    }

    @Override
    public String query() {
        return adapter.query(message);
    }

    @Override
    public long timestampMillis() {
        long timestamp = adapter.timestampMillis(message);
        return timestamp >= 0 ? timestamp : System.currentTimeMillis();
    }

    @Override
    public int partition() {
        return adapter.partition(message);
    }

    @Override
    public long offset() {
        return adapter.offset(message);
    }

    @Override
    public String topic() {
        return adapter.topic(message);
    }

    @Override
    public ByteBuffer key() {
        return adapter.key(message);
    }
}
