package io.nucleon.trigger.nats;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nucleon.function.Response;
import io.nucleon.runtime.stream.DeliveryFailure;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A message from a core NATS subject. The server forgets a message once it has sent it, so there is
 * nothing to acknowledge: {@link #ack(Response)} only answers a request (publishes the function's
 * response to the message's reply subject), failures are retried here, and a dead letter is a copy
 * published to {@code deadLetterSubject}.
 */
final class NatsCoreMessage extends NatsMessage {

    private final DeadLetters deadLetters;

    /**
     * @param message the message as the client received it
     * @param deadLetters where dead letters go, or {@code null} when the trigger has none
     */
    NatsCoreMessage(Message message, DeadLetters deadLetters) {
        super(message);
        this.deadLetters = deadLetters;
    }

    @Override
    public void ack() {
        settled();
    }

    /**
     * The function succeeded: when the sender made a request (the message has a reply subject), the
     * response's body and headers go back to it.
     */
    @Override
    public void ack(Response response) {
        try {
            String replyTo = message.getReplyTo();
            if (replyTo != null && !replyTo.isEmpty() && response != null) {
                message.getConnection().publish(replyTo, replyHeaders(response), bytes(response.body()));
            }
        } finally {
            settled();
        }
    }

    private static Headers replyHeaders(Response response) {
        Map<String, String> extra = response.headers();
        if (extra.isEmpty()) {
            return null;
        }
        Headers headers = new Headers();
        extra.forEach((name, value) -> headers.put(name, headerValue(value)));
        return headers;
    }

    private static byte[] bytes(ByteBuffer body) {
        ByteBuffer view = body.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    @Override
    public void deadLetter(DeliveryFailure failure) throws Exception {
        deadLetters.publish(this, failure);
        settled();
    }

    @Override
    public String describe() {
        return "subject " + subject();
    }
}
