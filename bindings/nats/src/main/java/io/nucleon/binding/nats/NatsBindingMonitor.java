package io.nucleon.binding.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to one binding's connection, on the client's threads: logs a disconnect once and the reconnect after it,
 * logs client errors at most once a second, and keeps the last problem so that a failed first connect can say
 * why (jnats' own exception only says that no server could be reached). Messages are masked: a client message may
 * quote a server URL with credentials in it.
 */
final class NatsBindingMonitor implements ConnectionListener, ErrorListener {

    private static final Logger LOG = LoggerFactory.getLogger(NatsBindingMonitor.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String bindingName;
    private final String servers;
    private volatile String lastServerError;
    private volatile String lastException;
    private volatile boolean connectedOnce;
    private volatile boolean disconnected;
    private long lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
    private long notLogged;

    /**
     * @param bindingName the binding, for logs
     * @param servers the servers without credentials, for logs
     */
    NatsBindingMonitor(String bindingName, String servers) {
        this.bindingName = bindingName;
        this.servers = servers;
    }

    /**
     * @return the last error the server reported, else the client's last exception, masked; {@code null} when
     *     there was none. The server's error comes first: after refusing credentials it closes the connection,
     *     and the client then reports a bare timeout.
     */
    String lastProblem() {
        return lastServerError != null ? lastServerError : lastException;
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
            case CONNECTED, RECONNECTED -> {
                if (disconnected) {
                    LOG.atInfo()
                            .setMessage("data binding reconnected to NATS")
                            .addKeyValue("binding", bindingName)
                            .addKeyValue("server", NatsBindingConfig.redact(connection.getConnectedUrl()))
                            .log();
                }
                connectedOnce = true;
                disconnected = false;
            }
            case DISCONNECTED -> {
                // before the first connect, the failure is the check's to report
                if (connectedOnce && !disconnected) {
                    disconnected = true; // the client reports each failed attempt again; one line is enough
                    LOG.atWarn()
                            .setMessage("data binding disconnected from NATS; the client reconnects by itself")
                            .addKeyValue("binding", bindingName)
                            .addKeyValue("servers", servers)
                            .log();
                }
            }
            default -> {
                // CLOSED is the processor's doing; RESUBSCRIBED, DISCOVERED_SERVERS, LAME_DUCK: the client's
            }
        }
    }

    @Override
    public void errorOccurred(Connection connection, String error) {
        lastServerError = "the server said: " + NatsBindingConfig.redact(error);
        if (!connectedOnce) {
            debug(lastServerError); // the first connect fails with it; the check reports it
            return;
        }
        warn("the NATS server reported an error", lastServerError);
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
        lastException = describe(exception);
        if (!connectedOnce
                || disconnected
                || connection == null
                || connection.getStatus() != Connection.Status.CONNECTED) {
            // failed connect and reconnect attempts: the disconnect was logged once; a first connect reports it
            debug(lastException);
            return;
        }
        warn("the NATS client reported an exception", lastException);
    }

    @Override
    public void slowConsumerDetected(Connection connection, Consumer consumer) {
        warn(
                "slow consumer: a subscription on the binding's connection does not keep up and the client dropped"
                        + " messages",
                "dropped so far: " + consumer.getDroppedCount());
    }

    /** The exception's type and message ({@code UnknownHostException: nats-0}), masked. */
    private static String describe(Exception exception) {
        String message = exception.getMessage();
        String type = exception.getClass().getSimpleName();
        return NatsBindingConfig.redact(message == null || message.isBlank() ? type : type + ": " + message);
    }

    private void debug(String problem) {
        LOG.atDebug()
                .setMessage("NATS connection attempt failed")
                .addKeyValue("binding", bindingName)
                .addKeyValue("problem", problem)
                .log();
    }

    /** Logs at most once a second, with how many lines it left out since the last one. */
    private synchronized void warn(String message, String problem) {
        long now = System.nanoTime();
        if (now - lastLogNanos < LOG_INTERVAL_NANOS) {
            notLogged++;
            return;
        }
        LOG.atWarn()
                .setMessage(message)
                .addKeyValue("binding", bindingName)
                .addKeyValue("problem", problem)
                .addKeyValue("notLoggedSinceLastLine", notLogged)
                .log();
        lastLogNanos = now;
        notLogged = 0;
    }
}
