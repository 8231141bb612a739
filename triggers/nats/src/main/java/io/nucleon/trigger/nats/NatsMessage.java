package io.nucleon.trigger.nats;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nucleon.runtime.stream.BrokerMessage;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One NATS message on its way through the trigger's {@link io.nucleon.runtime.stream.AckingDispatcher}:
 * what the function's event reads (a view over the bytes the client holds, the subject, the headers) and
 * what both kinds share. {@link NatsCoreMessage} and {@link JetStreamMessage} settle it with the server.
 *
 * <p>While the trigger holds it (from {@link #hold} until settled), it sits in the trigger's {@link
 * HeldMessages}, so the trigger can keep it alive or account for it on shutdown.
 */
abstract class NatsMessage implements BrokerMessage {

    /** Dead-letter header: the last exception's class, or {@code timeout}. */
    static final String DLQ_ERROR_CLASS = "nucleon-dlq-error-class";
    /** Dead-letter header: the last error message. */
    static final String DLQ_ERROR = "nucleon-dlq-error";
    /** Dead-letter header: how many times the function ran the message. */
    static final String DLQ_ATTEMPTS = "nucleon-dlq-attempts";
    /** Dead-letter header: the subject the message was published to. */
    static final String DLQ_SUBJECT = "nucleon-dlq-subject";
    /** Dead-letter header: the function that gave up on it. */
    static final String DLQ_FUNCTION = "nucleon-dlq-function";
    /** Dead-letter header: the trigger that gave up on it. */
    static final String DLQ_TRIGGER = "nucleon-dlq-trigger";

    private static final int MAX_ERROR_LENGTH = 1000;

    final Message message;
    private HeldMessages<?> heldBy;
    private volatile long touchedNanos;
    private Map<String, String> headers;

    NatsMessage(Message message) {
        this.message = message;
        this.touchedNanos = System.nanoTime();
    }

    /** The trigger takes the message: it stays in {@code held} until settled. */
    @SuppressWarnings("unchecked")
    <M extends NatsMessage> void hold(HeldMessages<M> held) {
        this.heldBy = held;
        held.add((M) this);
    }

    /**
     * The message is settled with the server (or its fate is decided): the trigger lets go of it.
     *
     * @return whether it was still held (so whoever settles it first accounts for it)
     */
    final boolean settled() {
        HeldMessages<?> held = heldBy;
        return held != null && held.remove(this);
    }

    /** @return when the trigger last told the server it is still working on the message */
    final long touchedNanos() {
        return touchedNanos;
    }

    final void touched(long nanos) {
        touchedNanos = nanos;
    }

    /** @return the subject the message was published to */
    final String subject() {
        return message.getSubject();
    }

    /** @return the payload as a read-only view, no copy */
    final ByteBuffer body() {
        byte[] data = message.getData();
        return data == null
                ? ByteBuffer.allocate(0).asReadOnlyBuffer()
                : ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    final int bodySize() {
        byte[] data = message.getData();
        return data == null ? 0 : data.length;
    }

    /** @return the stream sequence for JetStream, else -1 */
    long offset() {
        return -1;
    }

    /** @return when the server stored the message (JetStream), else -1 */
    long timestampMillis() {
        return -1;
    }

    /** Adds what the trigger knows beyond the NATS headers ({@code nats-stream}, ...). */
    void addTriggerHeaders(Map<String, String> headers) {}

    /** Adds kind-specific dead-letter headers (JetStream: stream and sequence). */
    void addDeadLetterHeaders(Headers headers) {}

    /** @return the NATS headers (first value of each) with the trigger's own, built once */
    final Map<String, String> headers() {
        Map<String, String> view = headers;
        if (view == null) {
            Map<String, String> all = new LinkedHashMap<>();
            if (message.hasHeaders()) {
                message.getHeaders().forEach((name, values) -> {
                    if (!values.isEmpty()) {
                        all.put(name, values.get(0));
                    }
                });
            }
            addTriggerHeaders(all);
            view = Collections.unmodifiableMap(all);
            headers = view;
        }
        return view;
    }

    /** @return a header by exact name, else by name ignoring case, else {@code null} */
    final String header(String name) {
        Map<String, String> all = headers();
        String value = all.get(name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, String> entry : all.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /**
     * The headers of the dead-lettered copy: the original ones, then why and where from.
     *
     * @param failure the last error and the attempts
     * @param functionName who gave up
     * @param triggerName through which trigger
     * @return new headers
     */
    final Headers deadLetterHeaders(
            io.nucleon.runtime.stream.DeliveryFailure failure, String functionName, String triggerName) {
        Headers headers = message.hasHeaders() ? new Headers(message.getHeaders()) : new Headers();
        headers.put(DLQ_ERROR_CLASS, headerValue(failure.errorClass()));
        headers.put(DLQ_ERROR, headerValue(failure.error()));
        headers.put(DLQ_ATTEMPTS, Integer.toString(failure.attempts()));
        headers.put(DLQ_SUBJECT, headerValue(subject()));
        headers.put(DLQ_FUNCTION, headerValue(functionName));
        headers.put(DLQ_TRIGGER, headerValue(triggerName));
        addDeadLetterHeaders(headers);
        return headers;
    }

    /**
     * NATS header values are one line of printable ASCII (the client refuses anything else, which would
     * make the dead letter fail for ever): other characters become {@code ?}, line breaks spaces.
     */
    static String headerValue(String text) {
        String value = text == null ? "" : text;
        StringBuilder printable = new StringBuilder(Math.min(value.length(), MAX_ERROR_LENGTH));
        for (int i = 0; i < value.length() && printable.length() < MAX_ERROR_LENGTH; i++) {
            char c = value.charAt(i);
            printable.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c < 0x20 || c > 0x7e ? '?' : c);
        }
        return printable.toString();
    }

    /** @return the payload as the client holds it, for a dead-letter copy */
    final byte[] data() {
        byte[] data = message.getData();
        return data == null ? new byte[0] : data;
    }
}
