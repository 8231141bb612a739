package io.nucleon.trigger.nats;

import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Reads the function's event out of a {@link NatsMessage}: the body is a read-only view of the payload
 * the client received (no copy), {@code topic()} the subject, {@code offset()} the stream sequence
 * (JetStream; -1 for core NATS), {@code timestampMillis()} when the stream stored it, and the headers are
 * the NATS headers (first value) plus the trigger's {@code nats-*} ones. {@code contentType()} is the
 * {@code Content-Type} header, if any.
 *
 * @param <M> the trigger's message type
 */
final class NatsMessageAdapter<M extends NatsMessage> implements EventAdapter<M> {

    @Override
    public ByteBuffer body(M message) {
        return message.body();
    }

    @Override
    public int bodySize(M message) {
        return message.bodySize();
    }

    @Override
    public String contentType(M message) {
        String type = message.header("Content-Type");
        return type == null ? "" : type;
    }

    @Override
    public String header(M message, String name) {
        return message.header(name);
    }

    @Override
    public Map<String, String> headers(M message) {
        return message.headers();
    }

    @Override
    public long timestampMillis(M message) {
        return message.timestampMillis();
    }

    @Override
    public long offset(M message) {
        return message.offset();
    }

    @Override
    public String topic(M message) {
        return message.subject();
    }
}
