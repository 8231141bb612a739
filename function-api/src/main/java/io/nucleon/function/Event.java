package io.nucleon.function;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One event handed to a function: an HTTP request, a Kafka record, a cron tick, ...
 *
 * <p>The event is a view over data the trigger already holds. {@link #body()} does not copy; it is
 * valid only while the function's {@code handle} call runs. Call {@link #bodyBytes()} or {@link
 * #bodyString()} for a copy that outlives the call. The event object itself is reused by the processor
 * for later events: do not keep a reference to it.
 *
 * <p>Fields that a trigger kind does not have answer with a neutral value, as each method says.
 */
public interface Event {

    /**
     * An id unique within this processor's lifetime, increasing in arrival order per trigger.
     *
     * @return the event id
     */
    long id();

    /**
     * The kind of trigger that delivered the event ({@code http}, {@code kafka-cluster}, {@code cron}, ...).
     *
     * @return the trigger kind
     */
    String triggerKind();

    /**
     * The name of the trigger in function.yaml.
     *
     * @return the trigger name
     */
    String triggerName();

    /**
     * The body's media type, from the {@code Content-Type} header or the message properties.
     *
     * @return the content type, or an empty string when none was given
     */
    String contentType();

    /**
     * The body as a read-only view over the trigger's buffer, positioned at 0 and limited to the body
     * size. No bytes are copied. Valid only during the {@code handle} call.
     *
     * @return a read-only buffer; empty when the event has no body
     */
    ByteBuffer body();

    /**
     * The body's size in bytes.
     *
     * @return the body size, 0 when there is none
     */
    int bodySize();

    /**
     * A copy of the body.
     *
     * @return a new array holding the body
     */
    default byte[] bodyBytes() {
        ByteBuffer view = body().duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return copy;
    }

    /**
     * The body decoded as UTF-8.
     *
     * @return a new string holding the body
     */
    default String bodyString() {
        return StandardCharsets.UTF_8.decode(body().duplicate()).toString();
    }

    /**
     * One header (HTTP header, Kafka header, message property), looked up case-insensitively for HTTP.
     *
     * @param name the header name
     * @return the first value, or {@code null} when absent
     */
    String header(String name);

    /**
     * All headers with their first values. Builds a new map: prefer {@link #header(String)} on hot paths.
     *
     * @return an unmodifiable map, empty when the trigger has no headers
     */
    Map<String, String> headers();

    /**
     * The HTTP method.
     *
     * @return the method ({@code GET}, {@code POST}, ...), or an empty string for non-HTTP triggers
     */
    default String method() {
        return "";
    }

    /**
     * The HTTP request path, without the query string.
     *
     * @return the path, or an empty string for non-HTTP triggers
     */
    default String path() {
        return "";
    }

    /**
     * The raw HTTP query string, without the leading {@code ?}.
     *
     * @return the query string, or an empty string when there is none
     */
    default String query() {
        return "";
    }

    /**
     * When the event arrived at the processor (or the broker's record timestamp for streams).
     *
     * @return milliseconds since the epoch
     */
    long timestampMillis();

    /**
     * The stream partition or shard the event came from.
     *
     * @return the partition number, or -1 for triggers without partitions
     */
    int partition();

    /**
     * The event's offset or sequence number within its partition.
     *
     * @return the offset, or -1 for triggers without offsets
     */
    long offset();

    /**
     * The topic, stream, subject or queue the event came from.
     *
     * @return the topic name, or an empty string for triggers without one
     */
    String topic();

    /**
     * The record key, as a read-only view valid during the {@code handle} call.
     *
     * @return the key, or {@code null} when the event has none
     */
    ByteBuffer key();
}
