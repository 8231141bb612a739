package io.nucleon.trigger.nats;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nucleon.runtime.stream.DeliveryFailure;
import java.time.Duration;
import java.util.Map;

/**
 * A message from a JetStream consumer: acknowledged once the function succeeded, handed back with a
 * delay ({@code nakWithDelay}) when it failed, and after its last attempt published to the dead-letter
 * subject and then terminated ({@code term}: the server stops delivering it and reports it as
 * terminated, where an {@code ack} would have said it succeeded).
 */
final class JetStreamMessage extends NatsMessage {

    /** Event header: the stream the message is stored in. */
    static final String STREAM_HEADER = "nats-stream";
    /** Event header: the consumer that delivered it. */
    static final String CONSUMER_HEADER = "nats-consumer";
    /** Event header: this delivery's number, from 1. */
    static final String DELIVERED_HEADER = "nats-delivered";
    /** Dead-letter header: the stream the message is stored in. */
    static final String DLQ_STREAM = "nucleon-dlq-stream";
    /** Dead-letter header: its sequence in that stream. */
    static final String DLQ_STREAM_SEQUENCE = "nucleon-dlq-stream-sequence";

    private final NatsJetStreamMetaData meta;
    private final DeadLetters deadLetters;
    private final boolean ordered;

    /**
     * @param message a JetStream message as the client received it
     * @param deadLetters where dead letters go, or {@code null} when the trigger has none
     * @param ordered whether messages of one subject run in order
     */
    JetStreamMessage(Message message, DeadLetters deadLetters, boolean ordered) {
        super(message);
        this.meta = message.metaData();
        this.deadLetters = deadLetters;
        this.ordered = ordered;
    }

    @Override
    public void ack() {
        try {
            message.ack();
        } finally {
            settled(); // an ack that did not go out: the server delivers the message again after ackWait
        }
    }

    @Override
    public int deliveryCount() {
        return (int) Math.min(Integer.MAX_VALUE, meta.deliveredCount());
    }

    /** The server delivers it again after the backoff; the trigger does not hold it meanwhile. */
    @Override
    public boolean redeliverLater(long delayNanos) {
        settled(); // first, so the keep-alive sends no in-progress after the nak (that would restart ackWait)
        message.nakWithDelay(Duration.ofNanos(delayNanos));
        return true;
    }

    @Override
    public void deadLetter(DeliveryFailure failure) throws Exception {
        deadLetters.publish(this, failure);
        message.term();
        settled();
    }

    /** Hands the message back for another delivery now: on shutdown, for messages not finished. */
    void handBack() {
        message.nak();
    }

    /** Tells the server the trigger still works on the message, so ackWait starts again. */
    void keepAlive(long nowNanos) {
        message.inProgress();
        touched(nowNanos);
    }

    @Override
    public String orderKey() {
        return ordered ? subject() : null;
    }

    @Override
    long offset() {
        return meta.streamSequence();
    }

    @Override
    long timestampMillis() {
        return meta.timestamp() == null ? -1 : meta.timestamp().toInstant().toEpochMilli();
    }

    @Override
    void addTriggerHeaders(Map<String, String> headers) {
        headers.put(STREAM_HEADER, meta.getStream());
        headers.put(CONSUMER_HEADER, meta.getConsumer());
        headers.put(DELIVERED_HEADER, Long.toString(meta.deliveredCount()));
    }

    @Override
    void addDeadLetterHeaders(Headers headers) {
        headers.put(DLQ_STREAM, headerValue(meta.getStream()));
        headers.put(DLQ_STREAM_SEQUENCE, Long.toString(meta.streamSequence()));
    }

    @Override
    public String describe() {
        return "subject " + subject() + ", stream " + meta.getStream() + " seq " + meta.streamSequence() + ", delivery "
                + meta.deliveredCount();
    }
}
