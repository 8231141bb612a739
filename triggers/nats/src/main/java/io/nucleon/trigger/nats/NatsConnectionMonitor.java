package io.nucleon.trigger.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.support.Status;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to one trigger's NATS connection: keeps the connection problem for {@code problem()} while the
 * client is disconnected (cleared when it reconnects), and logs client errors at most once a second per
 * kind, counting the ones it leaves out. The client calls it on its own threads.
 */
final class NatsConnectionMonitor implements ConnectionListener, ErrorListener {

    private static final Logger LOG = LoggerFactory.getLogger(NatsConnectionMonitor.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String triggerName;
    private final String servers;
    private final RateLimitedLog slowConsumerLog = new RateLimitedLog();
    private final RateLimitedLog errorLog = new RateLimitedLog();
    private final RateLimitedLog exceptionLog = new RateLimitedLog();
    private volatile String problem;
    private volatile String serverError;

    /**
     * @param triggerName the trigger, for logs
     * @param servers the servers without credentials, for logs and the problem line
     */
    NatsConnectionMonitor(String triggerName, String servers) {
        this.triggerName = triggerName;
        this.servers = servers;
    }

    /** @return why the connection does not work now, or {@code null} */
    String problem() {
        String connection = problem;
        return connection != null ? connection : serverError;
    }

    /** The client's older callback, still abstract in the interface: the same as the newer one. */
    @Override
    @SuppressWarnings("deprecation")
    public void connectionEvent(Connection connection, Events event) {
        connectionEvent(connection, event, null, null);
    }

    @Override
    public void connectionEvent(Connection connection, Events event, Long time, String uriDetails) {
        switch (event) {
            case CONNECTED, RECONNECTED, RESUBSCRIBED -> {
                if (problem != null) {
                    LOG.atInfo()
                            .setMessage("reconnected to NATS")
                            .addKeyValue("trigger", triggerName)
                            .addKeyValue("server", connection.getConnectedUrl())
                            .log();
                }
                problem = null;
                serverError = null;
            }
            case DISCONNECTED -> {
                if (problem != null) {
                    return; // the client reports each failed reconnect attempt; one line is enough
                }
                problem = "disconnected from NATS at " + servers + "; reconnecting";
                LOG.atWarn()
                        .setMessage("disconnected from NATS; the client reconnects by itself")
                        .addKeyValue("trigger", triggerName)
                        .addKeyValue("servers", servers)
                        .log();
            }
            case CLOSED -> problem = "the connection to NATS at " + servers + " is closed";
            default -> {
                // DISCOVERED_SERVERS, LAME_DUCK: the client handles them
            }
        }
    }

    @Override
    public void errorOccurred(Connection connection, String error) {
        if (error != null && error.toLowerCase(java.util.Locale.ROOT).contains("permissions violation")) {
            // The server refused a subscription or publish: without it the trigger gets nothing, so say so
            // until the next reconnect (a new connection may carry new permissions).
            serverError = "NATS refused: " + error;
        }
        errorLog.warn("the NATS server reported an error", "error", error);
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
        exceptionLog.warn("the NATS client reported an exception", "exception", String.valueOf(exception));
    }

    /**
     * The client's pending queue for the trigger's subscription overflowed and it dropped messages. The
     * count is a metric ({@code nucleon_trigger_messages_dropped_total{reason=slow_consumer}}); this logs.
     */
    @Override
    public void slowConsumerDetected(Connection connection, Consumer consumer) {
        slowConsumerLog.warn(
                "slow consumer: the function does not keep up and the NATS client dropped messages past the "
                        + "pending limits (pendingMessageLimit/pendingByteLimit)",
                "droppedSoFar",
                consumer.getDroppedCount());
    }

    @Override
    public void heartbeatAlarm(
            Connection connection,
            JetStreamSubscription subscription,
            long lastStreamSequence,
            long lastConsumerSequence) {
        exceptionLog.warn(
                "JetStream heartbeats missed; the client asks the server for messages again",
                "lastStreamSequence",
                lastStreamSequence);
    }

    @Override
    public void pullStatusError(Connection connection, JetStreamSubscription subscription, Status status) {
        errorLog.warn("JetStream pull error", "status", status.getMessageWithCode());
    }

    /** Logs at most once a second, with how many lines it left out since the last one. */
    private final class RateLimitedLog {
        private long lastNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
        private long notLogged;

        synchronized void warn(String message, String key, Object value) {
            long now = System.nanoTime();
            if (now - lastNanos < LOG_INTERVAL_NANOS) {
                notLogged++;
                return;
            }
            LOG.atWarn()
                    .setMessage(message)
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue(key, value)
                    .addKeyValue("notLoggedSinceLastLine", notLogged)
                    .log();
            lastNanos = now;
            notLogged = 0;
        }
    }
}
