package io.nucleon.binding.rabbitmq;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.MicrometerMetricsCollector;
import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.support.rabbitmq.AmqpConnections;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code rabbit-mq} binding as the processor holds it: one connection to RabbitMQ, opened by {@link #check()}
 * and recovered by the client after a network failure (every {@link #RECOVERY_INTERVAL_MS} ms), and a {@link
 * WorkerChannel} with its own channel for each worker that asks.
 */
final class RabbitMqDataBinding implements DataBinding {

    /** Bound of each channel RPC (opening a channel, {@code confirm.select}, a function's own declarations). */
    static final int RPC_TIMEOUT_MS = 10_000;
    /** How long {@link #close()} waits for RabbitMQ's {@code close-ok} before dropping the socket. */
    static final int CLOSE_TIMEOUT_MS = 5_000;
    /** The wait between attempts to recover a lost connection (the client's default). */
    static final long RECOVERY_INTERVAL_MS = ConnectionFactory.DEFAULT_NETWORK_RECOVERY_INTERVAL;
    /** Prefix of the client's meters: {@code nucleon_binding_rabbitmq_published_total} and the like. */
    static final String METRICS_PREFIX = "nucleon_binding_rabbitmq";

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqDataBinding.class);

    private final String name;
    private final String connectionName;
    private final RabbitMqBindingConfig config;
    private final ConnectionFactory factory;
    private final Object lock = new Object();
    private Connection connection; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * Builds the connection factory; connects only in {@link #check()}.
     *
     * @param context the binding's name, function and metrics registry
     * @param config the binding's attributes
     */
    RabbitMqDataBinding(DataBindingContext context, RabbitMqBindingConfig config) {
        this.name = context.name();
        this.connectionName = "nucleon-" + context.functionName() + "-" + name;
        this.config = config;
        this.factory = connectionFactory(config, name);
        factory.setMetricsCollector(new MicrometerMetricsCollector(context.registry(), METRICS_PREFIX, context.tags()));
    }

    static ConnectionFactory connectionFactory(RabbitMqBindingConfig config, String bindingName) {
        ConnectionFactory factory = AmqpConnections.factory(config.url());
        // the client reopens the connection and every worker's channel (in confirm mode) after a network failure
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
        int timeoutMs = Math.toIntExact(config.connectionTimeout().toMillis());
        factory.setConnectionTimeout(timeoutMs);
        factory.setHandshakeTimeout(timeoutMs);
        factory.setChannelRpcTimeout(RPC_TIMEOUT_MS);
        factory.setThreadFactory(Thread.ofPlatform()
                .name("nucleon-binding-" + bindingName + "-", 0)
                .daemon(true)
                .factory());
        return factory;
    }

    /** @return the connection factory, for tests */
    ConnectionFactory factory() {
        return factory;
    }

    @Override
    public Class<?> type() {
        return RabbitMqBinding.class;
    }

    /** Opens the connection, then a probe channel, and checks that {@code exchangeName} exists. */
    @Override
    public void check() throws IOException, TimeoutException {
        Channel probe = connection().createChannel();
        if (probe == null) {
            throw new IOException("RabbitMQ at " + config.url() + " has no channel left for this connection");
        }
        try {
            if (!config.exchangeName().isEmpty()) {
                probe.exchangeDeclarePassive(config.exchangeName());
            }
        } catch (IOException | ShutdownSignalException e) {
            // without the cause: its message is the client's dump of the same channel.close
            throw new IOException(
                    "exchangeName '" + config.exchangeName() + "' cannot be used: " + AmqpFailures.said(e));
        } finally {
            closeQuietly(probe);
        }
    }

    @Override
    public boolean perWorker() {
        return true; // an AMQP channel is not thread-safe
    }

    @Override
    public Object forWorker() {
        Channel channel = null;
        try {
            channel = openChannel();
        } catch (IOException | TimeoutException | RuntimeException e) {
            // The connection is recovering: the worker opens its channel on its first publish instead, so that a
            // replacement worker's init does not fail (the pool would run one worker short for good).
            LOG.atWarn()
                    .setMessage("no channel for a worker yet; it opens one on its first publish")
                    .addKeyValue("binding", name)
                    .addKeyValue("reason", AmqpFailures.said(e))
                    .log();
        }
        return new WorkerChannel(this, name, config, channel);
    }

    /**
     * @return a new channel in confirm mode on the binding's connection
     * @throws IOException when RabbitMQ refuses it or the connection is down
     * @throws TimeoutException when the connection is not open yet and cannot be opened in time
     */
    Channel openChannel() throws IOException, TimeoutException {
        Channel channel = connection().createChannel();
        if (channel == null) {
            throw new IOException("RabbitMQ has no channel left for this connection (channel_max)");
        }
        try {
            channel.confirmSelect();
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        return channel;
    }

    /** @return whether the connection is open now (not closed, not being recovered) */
    boolean connectionOpen() {
        synchronized (lock) {
            return connection != null && connection.isOpen();
        }
    }

    private Connection connection() throws IOException, TimeoutException {
        synchronized (lock) {
            requireNotClosed();
            if (connection != null) {
                return connection;
            }
        }
        Connection made = connect(); // not under the lock: close() must not wait for a connect
        Connection other;
        boolean won;
        synchronized (lock) {
            other = closed ? null : connection;
            if (!closed && other == null) {
                connection = made;
            }
            won = connection == made;
        }
        if (!won) { // closed meanwhile, or another thread connected first
            made.abort(CLOSE_TIMEOUT_MS);
            if (other == null) {
                throw new IllegalStateException("data binding '" + name + "' is closed");
            }
            return other;
        }
        LOG.atInfo()
                .setMessage("RabbitMQ connection opened")
                .addKeyValue("binding", name)
                .addKeyValue("url", config.url().redacted())
                .log();
        return made;
    }

    private void requireNotClosed() {
        if (closed) {
            throw new IllegalStateException("data binding '" + name + "' is closed");
        }
    }

    private Connection connect() throws IOException, TimeoutException {
        Connection made;
        try {
            made = factory.newConnection(connectionName);
        } catch (IOException | TimeoutException e) {
            String hint = AmqpFailures.refusedLogin(e)
                    ? "; check the user and the password (the url's, or the password secret) and the vhost"
                    : "";
            throw new IOException(
                    "cannot connect to RabbitMQ at " + config.url() + ": " + AmqpFailures.said(e) + hint, e);
        }
        made.addShutdownListener(this::lost);
        made.addBlockedListener(blockedListener());
        if (made instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(recoveryListener());
        }
        return made;
    }

    private void lost(ShutdownSignalException cause) {
        if (cause.isInitiatedByApplication()) {
            return;
        }
        LOG.atWarn()
                .setMessage("RabbitMQ connection lost; the client reconnects")
                .addKeyValue("binding", name)
                .addKeyValue("url", config.url().redacted())
                .addKeyValue("reason", AmqpFailures.said(cause))
                .addKeyValue("retryMs", RECOVERY_INTERVAL_MS)
                .log();
    }

    private RecoveryListener recoveryListener() {
        return new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                LOG.atInfo()
                        .setMessage("RabbitMQ connection recovered")
                        .addKeyValue("binding", name)
                        .log();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // lost() said it
            }
        };
    }

    private BlockedListener blockedListener() {
        return new BlockedListener() {
            @Override
            public void handleBlocked(String reason) {
                LOG.atWarn()
                        .setMessage("RabbitMQ blocks publishing on this connection; publishes time out meanwhile")
                        .addKeyValue("binding", name)
                        .addKeyValue("reason", reason)
                        .log();
            }

            @Override
            public void handleUnblocked() {
                LOG.atInfo()
                        .setMessage("RabbitMQ unblocked publishing")
                        .addKeyValue("binding", name)
                        .log();
            }
        };
    }

    /** Closes the connection, waiting at most {@link #CLOSE_TIMEOUT_MS} for RabbitMQ; stops any recovery. */
    @Override
    public void close() {
        Connection open;
        synchronized (lock) {
            closed = true;
            open = connection;
            connection = null;
        }
        if (open == null) {
            return;
        }
        try {
            open.close(CLOSE_TIMEOUT_MS);
        } catch (IOException | RuntimeException e) {
            open.abort(CLOSE_TIMEOUT_MS); // already closed, or being recovered: stops the recovery too
        }
        LOG.atInfo()
                .setMessage("RabbitMQ connection closed")
                .addKeyValue("binding", name)
                .log();
    }

    /**
     * Closes a channel without waiting for a closed one, and unregisters it from connection recovery so that a
     * later recovery does not reopen it.
     */
    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            // already closed by RabbitMQ or with the connection: nothing left to release
        }
    }
}
