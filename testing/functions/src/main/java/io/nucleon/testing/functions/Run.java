package io.nucleon.testing.functions;

import io.nucleon.function.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a test function for one event, with the event's fields as the function saw them. They are
 * copied while the function runs: a trigger may reuse its event objects once the run has ended.
 *
 * @param trigger the trigger's name ({@link Event#triggerName()}), which tells processors of one group apart
 * @param value the body as UTF-8 text
 * @param topic {@link Event#topic()}
 * @param partition {@link Event#partition()}
 * @param offset {@link Event#offset()}
 * @param key {@link Event#key()} as UTF-8 text, or {@code null} for an event without a key
 * @param timestampMillis {@link Event#timestampMillis()}
 * @param contentType {@link Event#contentType()}
 * @param headers a copy of {@link Event#headers()}
 * @param readOnlyBody whether {@link Event#body()} was a read-only buffer
 * @param attempt which run of this value it was, counting from 1 across every processor of the function
 * @param succeeded whether the function reported success for the event
 * @param thread the name of the worker thread that ran it ({@code nucleon-worker-<trigger>-<n>})
 */
public record Run(
        String trigger,
        String value,
        String topic,
        int partition,
        long offset,
        String key,
        long timestampMillis,
        String contentType,
        Map<String, String> headers,
        boolean readOnlyBody,
        int attempt,
        boolean succeeded,
        String thread) {

    /**
     * @param name a header name, exactly as the trigger spelled it
     * @return the header's value, or {@code null} if the event had no such header
     */
    public String header(String name) {
        return headers.get(name);
    }

    /** Copies what the function sees of {@code event}, on the worker thread that runs it. */
    static Run of(Event event, String value, int attempt, boolean succeeded) {
        return new Run(
                event.triggerName(),
                value,
                event.topic(),
                event.partition(),
                event.offset(),
                text(event.key()),
                event.timestampMillis(),
                event.contentType(),
                copy(event.headers()),
                event.body().isReadOnly(),
                attempt,
                succeeded,
                Thread.currentThread().getName());
    }

    private static String text(ByteBuffer bytes) {
        return bytes == null
                ? null
                : StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
    }

    /** Keeps the trigger's order and tolerates null values, which {@link Map#copyOf} would refuse. */
    private static Map<String, String> copy(Map<String, String> headers) {
        return headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
