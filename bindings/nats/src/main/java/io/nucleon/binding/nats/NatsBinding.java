package io.nucleon.binding.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A {@code nats} data binding: one NATS connection (the jnats client) that the processor opened and checked before
 * the first event and closes at shutdown. It is thread-safe: every worker gets the same object. Fetch it once in
 * {@code init} and keep it in a field:
 *
 * <pre>{@code
 * private NatsBinding nats;
 *
 * public void init(InitContext context) {
 *     nats = context.dataBinding("events", NatsBinding.class);
 * }
 *
 * public Response handle(Context context, Event event) throws Exception {
 *     nats.publish("orders.created", event.bodyBytes());
 *     PublishAck ack = nats.publishJetStream("audit.orders", event.bodyBytes());
 *     return Response.ok("stored as " + ack.getSeqno());
 * }
 * }</pre>
 *
 * <p>The client reconnects by itself when the connection drops (attribute {@code maxReconnects}); while it is
 * disconnected, core publishes wait in its reconnect buffer and are sent when it is back. Do not close the
 * connection: the processor does.
 */
public interface NatsBinding {

    /**
     * The jnats connection, for everything the calls below leave out: subscriptions, key-value and object stores,
     * {@code flush}, statistics.
     *
     * @return the shared connection; never close it
     */
    Connection connection();

    /**
     * Publishes to a core NATS subject. The client sends it in the background: when this returns, the message may
     * still be in its buffer. Call {@code connection().flush(timeout)} to wait until the server has it.
     *
     * @param subject the subject, without wildcards
     * @param data the body
     * @throws IllegalArgumentException when the subject is invalid or the body exceeds the server's max payload
     * @throws IllegalStateException when the connection is closed, or the reconnect buffer is full during an outage
     */
    void publish(String subject, byte[] data);

    /**
     * Publishes a text body, encoded as UTF-8, like {@link #publish(String, byte[])}.
     *
     * @param subject the subject, without wildcards
     * @param data the body
     */
    void publish(String subject, String data);

    /**
     * Publishes with headers, like {@link #publish(String, byte[])}.
     *
     * @param subject the subject, without wildcards
     * @param headers the message headers; may be {@code null}
     * @param data the body
     */
    void publish(String subject, Headers headers, byte[] data);

    /**
     * Sends a request and waits for the first reply.
     *
     * @param subject the subject a responder subscribes to
     * @param data the request body
     * @param timeout how long to wait for the reply
     * @return the reply
     * @throws TimeoutException when no reply came within {@code timeout}: no responder subscribes to the subject
     *     (the server says so at once), or none answered in time
     * @throws InterruptedException when the worker is interrupted (its event ran past {@code spec.eventTimeout})
     */
    Message request(String subject, byte[] data, Duration timeout) throws TimeoutException, InterruptedException;

    /**
     * Publishes into a JetStream stream and waits for the stream's acknowledgement (attribute {@code
     * jetStreamTimeout}): when this returns, the stream has stored the message.
     *
     * @param subject a subject some stream captures
     * @param data the body
     * @return the acknowledgement: stream name and sequence number
     * @throws IOException when no stream captures the subject (the message says so), or the acknowledgement did not
     *     come in time
     * @throws JetStreamApiException when the stream refused the message (limits, a duplicate message id)
     */
    PublishAck publishJetStream(String subject, byte[] data) throws IOException, JetStreamApiException;

    /**
     * The JetStream context of the connection, with the binding's {@code jetStreamTimeout}: publishing with
     * headers or options, asynchronous publishing, consumers.
     *
     * @return the shared JetStream context
     */
    JetStream jetStream();
}
