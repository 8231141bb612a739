package io.nucleon.binding.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nucleon.runtime.spi.DataBinding;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's side of one {@code nats} binding: the client's options are built at create, the connection is
 * opened by {@link #check()} (the first connect fails at once with the reason when no server answers; later drops
 * are reconnected by the client), and closed, bounded, by {@link #close()}. {@code close} may run while a check
 * that ran past the processor's bound is still connecting: the connection it opens late is closed too.
 */
final class NatsDataBinding implements DataBinding {

    /** How long close waits for the flush of what workers published and the client's own close. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(NatsDataBinding.class);

    private final String name;
    private final NatsBindingConfig config;
    private final NatsBindingMonitor monitor;
    private final Options options;
    private final Object lock = new Object();
    private ConnectedNatsBinding connected; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param name the binding's name
     * @param functionName the function's name, for the connection name the server shows
     * @param config the validated attributes
     */
    NatsDataBinding(String name, String functionName, NatsBindingConfig config) {
        this.name = name;
        this.config = config;
        this.monitor = new NatsBindingMonitor(name, config.describeServers());
        this.options = config.options("nucleon/" + functionName + "/" + name, monitor);
    }

    /** @return the client's options, for tests */
    Options options() {
        return options;
    }

    @Override
    public Class<?> type() {
        return NatsBinding.class;
    }

    @Override
    public void check() throws IOException, InterruptedException, TimeoutException {
        Connection connection = connect();
        try {
            connection.flush(config.connectionTimeout());
        } catch (TimeoutException e) {
            throw new TimeoutException("NATS at " + config.describeServers() + " did not answer a round-trip within "
                    + config.connectionTimeout().toMillis() + " ms");
        }
    }

    private Connection connect() throws IOException, InterruptedException {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the binding is closed");
            }
            if (connected != null) {
                return connected.connection();
            }
        }
        Connection connection = open();
        ConnectedNatsBinding binding;
        try {
            JetStreamOptions jetStreamOptions = JetStreamOptions.builder()
                    .requestTimeout(config.jetStreamTimeout())
                    .build();
            binding = new ConnectedNatsBinding(connection, connection.jetStream(jetStreamOptions));
        } catch (IOException | RuntimeException e) {
            closeBounded(connection);
            throw e;
        }
        synchronized (lock) {
            if (!closed) {
                connected = binding;
                return connection;
            }
        }
        closeBounded(connection);
        throw new IllegalStateException("the binding was closed while it connected");
    }

    /**
     * The first connect: one attempt per server, each within {@code connectionTimeout}. Its exception is not
     * chained: jnats' message lists the server URLs as written, credentials included.
     */
    private Connection open() throws IOException, InterruptedException {
        try {
            return Nats.connect(options);
        } catch (IOException e) {
            String problem = monitor.lastProblem();
            throw new IOException("cannot connect to NATS at " + config.describeServers() + ": "
                    + (problem != null ? problem : NatsBindingConfig.redact(e.getMessage())));
        }
    }

    @Override
    public Object forWorker() {
        synchronized (lock) {
            if (connected == null) {
                throw new IllegalStateException(
                        "data binding '" + name + "' is " + (closed ? "closed" : "not connected yet"));
            }
            return connected;
        }
    }

    @Override
    public void close() {
        Connection connection;
        synchronized (lock) {
            closed = true;
            connection = connected == null ? null : connected.connection();
        }
        if (connection != null) {
            closeBounded(connection);
        }
    }

    /**
     * Sends what workers published and is still buffered (when connected), then closes, on a thread of its own so
     * that a server that stopped answering cannot hold the processor's shutdown beyond {@link #CLOSE_TIMEOUT}.
     */
    private void closeBounded(Connection connection) {
        Thread closer = Thread.ofPlatform()
                .daemon(true)
                .name("nucleon-binding-close-" + name)
                .start(() -> flushAndClose(connection));
        try {
            if (!closer.join(CLOSE_TIMEOUT)) {
                LOG.atWarn()
                        .setMessage("data binding's NATS connection did not close in time; shutdown goes on")
                        .addKeyValue("binding", name)
                        .addKeyValue("timeoutMs", CLOSE_TIMEOUT.toMillis())
                        .log();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void flushAndClose(Connection connection) {
        try {
            if (connection.getStatus() == Connection.Status.CONNECTED) {
                connection.flush(CLOSE_TIMEOUT.dividedBy(2));
            }
        } catch (TimeoutException | RuntimeException e) {
            LOG.atWarn()
                    .setMessage("data binding could not flush its NATS connection before closing it")
                    .addKeyValue("binding", name)
                    .addKeyValue("problem", NatsBindingConfig.redact(e.getMessage()))
                    .log();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "NatsDataBinding[" + name + ", " + config + "]";
    }
}
