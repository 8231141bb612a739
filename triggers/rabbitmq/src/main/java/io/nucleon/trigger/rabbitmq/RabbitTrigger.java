package io.nucleon.trigger.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.stream.AckingDispatcher;
import io.nucleon.runtime.stream.DeliveryMetrics;
import io.nucleon.support.rabbitmq.AmqpConnections;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code rabbit-mq} trigger: one connection and channel consuming one queue with manual
 * acknowledgements, messages run on the trigger's workers concurrently through an {@link AckingDispatcher}
 * (acknowledged after success, retried, rejected to the dead-letter exchange), and a reconnect loop of its
 * own with backoff.
 *
 * <p>Every change of connection happens on the trigger's connect thread ({@code
 * nucleon-rabbitmq-<trigger>}): the first attempt in {@link #start()}, reconnects after a loss, one at a
 * time. Each connection is a new {@link RabbitSession}; messages stay tied to the session that delivered
 * them, so a delivery tag is only ever used on its own channel.
 */
final class RabbitTrigger implements Trigger, RabbitSession.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitTrigger.class);

    /** How long one connection attempt may take (TCP connect, then the AMQP handshake). */
    static final int CONNECTION_TIMEOUT_MS = 10_000;
    /** The heartbeat asked of the broker: a silent peer is noticed after about two of these. */
    static final int HEARTBEAT_SECONDS = 20;
    /** How long one declare, bind or cancel may wait for the broker's answer. */
    static final int RPC_TIMEOUT_MS = 30_000;

    private final TriggerContext context;
    private final RabbitTriggerConfig config;
    private final ConnectionFactory factory;
    private final String connectionName;
    private final AckingDispatcher<RabbitMessage> dispatcher;
    private final ScheduledExecutorService connector;
    private final ExecutorService consumerThread;
    private final LongAdder losses = new LongAdder();
    private volatile RabbitSession session;
    private volatile String connectionProblem;
    private volatile boolean accepting = true;
    private boolean started;
    private boolean closed;
    private long reconnectDelayNanos;

    RabbitTrigger(TriggerContext context, RabbitTriggerConfig config) {
        this.context = context;
        this.config = config;
        this.factory = connectionFactory(config);
        this.connectionName = "nucleon-" + context.functionName() + "-" + name();
        this.reconnectDelayNanos = config.reconnectInterval().toNanos();
        DeliveryMetrics metrics =
                new DeliveryMetrics(context.registry(), context.functionName(), RabbitTriggerFactory.KIND, name());
        this.dispatcher = new AckingDispatcher<>(
                context.dispatcher(),
                RabbitMessageAdapter.INSTANCE,
                new AckingDispatcher.Settings(
                        name(),
                        config.retry(),
                        config.maxInFlight(),
                        config.deadLetters(),
                        context.config().batch()),
                metrics);
        this.connector = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform()
                .name("nucleon-rabbitmq-" + name())
                .daemon(true)
                .unstarted(runnable));
        this.consumerThread = Executors.newSingleThreadExecutor(runnable -> Thread.ofPlatform()
                .name("nucleon-rabbitmq-consumer-" + name())
                .daemon(true)
                .unstarted(runnable));
        registerMetrics();
    }

    static ConnectionFactory connectionFactory(RabbitTriggerConfig config) {
        ConnectionFactory factory = AmqpConnections.factory(config.url());
        // the trigger reconnects itself: a new session per connection keeps delivery tags apart
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        factory.setHandshakeTimeout(CONNECTION_TIMEOUT_MS);
        factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
        factory.setChannelRpcTimeout(RPC_TIMEOUT_MS);
        factory.setExceptionHandler(new DefaultExceptionHandler() {
            @Override
            public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
                // the session's shutdown listener reports the loss, and a failed connect its failure
            }
        });
        return factory;
    }

    private void registerMetrics() {
        Tags tags = Tags.of(
                "function", context.functionName(), "trigger_kind", RabbitTriggerFactory.KIND, "trigger_id", name());
        Gauge.builder("nucleon_rabbitmq_connected", this, trigger -> trigger.connected() ? 1 : 0)
                .description("1 while the trigger consumes from RabbitMQ, else 0")
                .tags(tags)
                .register(context.registry());
        FunctionCounter.builder("nucleon_rabbitmq_connection_losses", losses, LongAdder::doubleValue)
                .description("Connections or channels to RabbitMQ lost while consuming")
                .tags(tags)
                .register(context.registry());
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return RabbitTriggerFactory.KIND;
    }

    /**
     * Connects, declares and starts consuming. A broker that refuses (login, vhost, a queue missing or
     * declared with other settings, no permission) fails the start; a broker that cannot be reached is
     * reported as the trigger's {@link #problem()} and tried again with backoff.
     */
    @Override
    public void start() throws Exception {
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
        }
        ConnectFailure failure;
        try {
            failure = connector.submit(() -> attempt(true)).get();
        } catch (ExecutionException e) {
            close(); // no thread of this trigger outlives a failed start
            throw new IllegalStateException(
                    "trigger '" + name() + "': " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            close();
            throw e;
        }
        if (failure != null && failure.refusal()) {
            close();
            throw new IllegalStateException(
                    "trigger '" + name() + "': RabbitMQ at " + config.url().redacted() + ": " + failure.getMessage(),
                    failure);
        }
    }

    /**
     * One connection attempt, on the connect thread.
     *
     * @param first whether this is the start's attempt, which does not retry a refusal
     * @return the failure, or {@code null} when consuming
     */
    private ConnectFailure attempt(boolean first) {
        if (!accepting) {
            return null;
        }
        RabbitSession opened;
        try {
            opened = RabbitSession.open(factory, consumerThread, connectionName, config, this);
        } catch (ConnectFailure e) {
            if (!(first && e.refusal())) {
                long delay = nextReconnectDelay();
                connectionProblem =
                        "cannot consume from RabbitMQ at " + config.url().redacted() + ": " + e.getMessage()
                                + "; trying again in " + Duration.ofNanos(delay).toMillis() + "ms";
                LOG.atWarn()
                        .setMessage(first ? "cannot reach RabbitMQ at start; trying again" : "reconnect failed")
                        .addKeyValue("trigger", name())
                        .addKeyValue("url", config.url().redacted())
                        .addKeyValue("error", e.getMessage())
                        .addKeyValue("retryInMs", Duration.ofNanos(delay).toMillis())
                        .log();
                schedule(delay);
            }
            return e;
        }
        synchronized (this) {
            if (closed || !accepting) {
                opened.close();
                return null;
            }
            session = opened;
        }
        reconnectDelayNanos = config.reconnectInterval().toNanos();
        connectionProblem = null;
        LOG.atInfo()
                .setMessage(first ? "consuming from RabbitMQ" : "reconnected to RabbitMQ")
                .addKeyValue("trigger", name())
                .addKeyValue("url", config.url().redacted())
                .addKeyValue("queue", config.queueName())
                .addKeyValue("prefetchCount", config.prefetchCount())
                .log();
        return null;
    }

    private long nextReconnectDelay() {
        long delay = reconnectDelayNanos;
        reconnectDelayNanos = Math.min(delay * 2, config.maxReconnectInterval().toNanos());
        return delay;
    }

    private void schedule(long delayNanos) {
        try {
            connector.schedule(() -> attempt(false), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** On the consumer thread: hands the message to the workers, waiting while maxInFlight are unsettled. */
    @Override
    public void delivered(RabbitMessage message) {
        if (!message.session().open()) {
            return; // its channel closed while it waited here: the broker has it back already
        }
        try {
            dispatcher.submit(message); // false when stopping: left unacknowledged, the broker redelivers it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On a client thread: the session went away; the connect thread replaces it. */
    @Override
    public void lost(RabbitSession lost, String why) {
        try {
            connector.execute(() -> replace(lost, why));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void replace(RabbitSession lost, String why) {
        synchronized (this) {
            if (closed || lost != session) {
                return;
            }
            session = null;
        }
        lost.close();
        losses.increment();
        reconnectDelayNanos = config.reconnectInterval().toNanos();
        long delay = nextReconnectDelay();
        connectionProblem = "lost RabbitMQ at " + config.url().redacted() + " (" + why + "); reconnecting";
        LOG.atWarn()
                .setMessage("lost the connection to RabbitMQ; unacknowledged messages go back to the queue")
                .addKeyValue("trigger", name())
                .addKeyValue("url", config.url().redacted())
                .addKeyValue("why", why)
                .addKeyValue("retryInMs", Duration.ofNanos(delay).toMillis())
                .log();
        if (accepting) {
            schedule(delay);
        }
    }

    /** Takes no more messages; those running finish and are acknowledged, the rest stay in the queue. */
    @Override
    public void stopAccepting() {
        accepting = false;
        dispatcher.stopAccepting();
        RabbitSession current = session;
        if (current != null) {
            try {
                connector.execute(current::cancel);
            } catch (RejectedExecutionException e) {
                // closed
            }
        }
    }

    /**
     * Waits up to {@code workerTerminationTimeout} for running messages and their acknowledgements, then
     * closes the connection: every message not acknowledged by then goes back to the queue.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        accepting = false;
        dispatcher.stopAccepting();
        boolean drained = dispatcher.close(config.workerTerminationTimeout());
        if (!drained) {
            LOG.atWarn()
                    .setMessage("messages still running at workerTerminationTimeout; RabbitMQ delivers them again")
                    .addKeyValue("trigger", name())
                    .addKeyValue(
                            "workerTerminationTimeoutMs",
                            config.workerTerminationTimeout().toMillis())
                    .log();
        }
        RabbitSession current;
        synchronized (this) {
            current = session;
            session = null;
        }
        if (current != null) {
            current.close();
        }
        connector.shutdownNow();
        consumerThread.shutdownNow();
    }

    /** @return the connection problem while the broker is away, else the dispatcher's (dead letters) */
    @Override
    public Optional<String> problem() {
        String problem = connectionProblem;
        return Optional.ofNullable(problem != null ? problem : dispatcher.problem());
    }

    /** @return whether a session consumes now */
    boolean connected() {
        RabbitSession current = session;
        return current != null && current.open();
    }
}
