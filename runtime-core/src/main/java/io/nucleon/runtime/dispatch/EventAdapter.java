package io.nucleon.runtime.dispatch;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Reads the protocol-specific fields of an event out of the object a trigger already holds (a Netty
 * request, a Kafka record, ...), so that the event is a view and nothing is copied. One stateless
 * instance per trigger kind serves all of its events.
 *
 * <p>Defaults answer with the neutral values that {@link io.nucleon.function.Event} documents.
 *
 * @param <A> the trigger's own event object
 */
public interface EventAdapter<A> {

    /**
     * @param attachment the trigger's event object
     * @return the body as a read-only view positioned at 0
     */
    ByteBuffer body(A attachment);

    /**
     * @param attachment the trigger's event object
     * @return the body size in bytes
     */
    int bodySize(A attachment);

    /**
     * @param attachment the trigger's event object
     * @return the media type, or an empty string
     */
    default String contentType(A attachment) {
        return "";
    }

    /**
     * @param attachment the trigger's event object
     * @param name the header name
     * @return the first value, or {@code null}
     */
    default String header(A attachment, String name) {
        return null;
    }

    /**
     * @param attachment the trigger's event object
     * @return all headers with their first values
     */
    default Map<String, String> headers(A attachment) {
        return Map.of();
    }

    /**
     * @param attachment the trigger's event object
     * @return the HTTP method, or an empty string
     */
    default String method(A attachment) {
        return "";
    }

    /**
     * @param attachment the trigger's event object
     * @return the path, or an empty string
     */
    default String path(A attachment) {
        return "";
    }

    /**
     * @param attachment the trigger's event object
     * @return the raw query string, or an empty string
     */
    default String query(A attachment) {
        return "";
    }

    /**
     * @param attachment the trigger's event object
     * @return when the event happened in epoch milliseconds (a broker's record time, a tick's scheduled
     *     time), or -1 to use the time the trigger handed it over
     */
    default long timestampMillis(A attachment) {
        return -1;
    }

    /**
     * @param attachment the trigger's event object
     * @return the partition or shard, or -1
     */
    default int partition(A attachment) {
        return -1;
    }

    /**
     * @param attachment the trigger's event object
     * @return the offset or sequence number, or -1
     */
    default long offset(A attachment) {
        return -1;
    }

    /**
     * @param attachment the trigger's event object
     * @return the topic, stream or subject, or an empty string
     */
    default String topic(A attachment) {
        return "";
    }

    /**
     * @param attachment the trigger's event object
     * @return the key as a read-only view, or {@code null}
     */
    default ByteBuffer key(A attachment) {
        return null;
    }

    /**
     * Releases the trigger's event object once neither the function nor the trigger needs it (for
     * example, drops a reference count on a Netty buffer). Called exactly once per event, on whichever
     * thread lets go last.
     *
     * @param attachment the trigger's event object
     */
    default void release(A attachment) {}
}
