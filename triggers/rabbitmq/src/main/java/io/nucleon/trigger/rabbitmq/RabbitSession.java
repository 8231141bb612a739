package io.nucleon.trigger.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * One connection to the broker with the trigger's channel and consumer on it. A session is never reused:
 * when the connection or the channel goes away the trigger opens a new one. Delivery tags belong to a
 * channel, so each {@link RabbitMessage} keeps the session that delivered it and is settled on that
 * channel only; once the session is gone, settling it fails (the broker has already put the message back
 * in the queue), and an acknowledgement can never reach a later channel and acknowledge another message.
 */
final class RabbitSession {

    private static final int CLOSE_TIMEOUT_MS = 5_000;

    /** What the session tells its trigger. Called on the client's threads; must not block for long. */
    interface Listener {
        /** A message arrived (on the consumer thread; may block there while the trigger is at maxInFlight). */
        void delivered(RabbitMessage message);

        /** The connection or the channel went away, or the broker cancelled the consumer. */
        void lost(RabbitSession session, String why);
    }

    private final Connection connection;
    private final Channel channel;
    private final String queue;
    private volatile boolean open = true;
    private volatile String consumerTag;

    private RabbitSession(Connection connection, Channel channel, String queue) {
        this.connection = connection;
        this.channel = channel;
        this.queue = queue;
    }

    /**
     * Connects, declares or checks the topology, and starts consuming.
     *
     * @param factory the configured connection factory
     * @param consumerThreads where the client runs consumer callbacks (shared by the trigger's sessions)
     * @param connectionName the name the management UI shows
     * @param config the trigger's configuration
     * @param listener told about deliveries and losses
     * @return the consuming session
     * @throws ConnectFailure naming the step that failed; nothing is left open
     */
    static RabbitSession open(
            ConnectionFactory factory,
            ExecutorService consumerThreads,
            String connectionName,
            RabbitTriggerConfig config,
            Listener listener)
            throws ConnectFailure {
        Connection connection;
        try {
            connection = factory.newConnection(consumerThreads, connectionName);
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw ConnectFailure.of("connect", "check the user, the password and the vhost in url", e);
        }
        try {
            Channel channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("the broker has no channel left for this connection");
            }
            new RabbitTopology(config).apply(connection, channel);
            channel.basicQos(config.prefetchCount());
            RabbitSession session = new RabbitSession(connection, channel, config.queueName());
            session.consume(listener);
            return session;
        } catch (ConnectFailure e) {
            connection.abort(CLOSE_TIMEOUT_MS);
            throw e;
        } catch (IOException | RuntimeException e) {
            connection.abort(CLOSE_TIMEOUT_MS);
            throw ConnectFailure.of("consume from queue '" + config.queueName() + "'", "", e);
        }
    }

    private void consume(Listener listener) throws IOException {
        // added before consuming: a listener added to a connection that is already shut fires at once
        connection.addShutdownListener(cause -> shutDown(listener, cause));
        channel.addShutdownListener(cause -> shutDown(listener, cause));
        consumerTag = channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                listener.delivered(new RabbitMessage(RabbitSession.this, envelope, properties, body));
            }

            @Override
            public void handleCancel(String tag) {
                if (markClosed()) {
                    listener.lost(
                            RabbitSession.this,
                            "RabbitMQ cancelled the consumer of queue '" + queue
                                    + "' (deleted, or its node went down)");
                }
            }
        });
    }

    private void shutDown(Listener listener, ShutdownSignalException cause) {
        if (cause.isInitiatedByApplication() || !markClosed()) {
            return;
        }
        String what = cause.isHardError() ? "connection" : "channel";
        listener.lost(this, "the " + what + " closed: " + ConnectFailure.said(cause));
    }

    /** @return whether this call closed the session (so one loss is reported once) */
    private synchronized boolean markClosed() {
        boolean was = open;
        open = false;
        return was;
    }

    /** @return whether the session still consumes; once false, its deliveries cannot be settled */
    boolean open() {
        return open;
    }

    /** @return the queue consumed */
    String queue() {
        return queue;
    }

    void ack(long deliveryTag) throws IOException {
        requireOpen();
        channel.basicAck(deliveryTag, false);
    }

    /** Rejects without requeueing: the queue's dead-letter exchange gets the message. */
    void reject(long deliveryTag) throws IOException {
        requireOpen();
        channel.basicReject(deliveryTag, false);
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException(
                    "the channel that delivered the message has closed; RabbitMQ delivers it again");
        }
    }

    /** Asks the broker to stop sending; messages sent meanwhile stay unacknowledged, for redelivery. */
    void cancel() {
        String tag = consumerTag;
        if (!open || tag == null) {
            return;
        }
        try {
            channel.basicCancel(tag);
        } catch (IOException | RuntimeException e) {
            // the channel went away; the broker stops sending anyway
        }
    }

    /** Closes the connection; unacknowledged messages go back to the queue. */
    void close() {
        markClosed();
        try {
            connection.close(CLOSE_TIMEOUT_MS);
        } catch (IOException | RuntimeException e) {
            connection.abort(CLOSE_TIMEOUT_MS);
        }
    }
}
