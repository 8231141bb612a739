package io.nucleon.trigger.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.stream.AckingDispatcher;
import io.nucleon.runtime.stream.DeliveryMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code natsjetstream} trigger: reads a JetStream durable pull consumer and acknowledges each message
 * only after the function succeeded for it (at least once). A failed message goes back to the server
 * with a delay ({@code nakWithDelay}) and is delivered again, up to {@code retry.maxAttempts} deliveries;
 * then it is published to {@code deadLetterSubject} and terminated. With {@code ordered: true}, messages
 * of one subject run one at a time in arrival order and retries happen here, holding the subject.
 *
 * <pre>
 *   stream --> durable consumer (maxAckPending) --> consumer thread --submit (maxInFlight)--> workers
 *          <-- ack / nak with delay / dead letter + term, on the settle thread
 *          <-- inProgress at least every ackWait/2 for messages held (keep-alive thread)
 * </pre>
 *
 * <p>While the trigger holds a message (waiting for a worker, running, or waiting for an ordered retry)
 * it tells the server at least every {@code ackWait/2} that it is still working on it, so a slow function or a
 * long local backoff does not make the server deliver it a second time.
 */
final class JetStreamTrigger implements Trigger {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamTrigger.class);
    private static final Duration LOOP_STOP_WAIT = Duration.ofSeconds(5);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    private final TriggerContext context;
    private final JetStreamTriggerConfig config;
    private final DeliveryMetrics metrics;
    private final NatsConnectionMonitor monitor;
    private final HeldMessages<JetStreamMessage> held = new HeldMessages<>();
    private AckingDispatcher<JetStreamMessage> acking;
    private volatile Connection connection;
    private volatile JetStreamConsumerLoop loop;
    private Thread loopThread;
    private ScheduledExecutorService keepAlive;
    private boolean started;
    private volatile boolean closed;

    JetStreamTrigger(TriggerContext context, JetStreamTriggerConfig config) {
        this.context = context;
        this.config = config;
        this.metrics =
                new DeliveryMetrics(context.registry(), context.functionName(), JetStreamTriggerFactory.KIND, name());
        this.monitor = new NatsConnectionMonitor(name(), config.connection().describeServers());
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return JetStreamTriggerFactory.KIND;
    }

    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        acking = new AckingDispatcher<>(
                context.dispatcher(),
                new NatsMessageAdapter<>(),
                new AckingDispatcher.Settings(
                        name(),
                        config.retry(),
                        config.maxInFlight(),
                        !config.deadLetterSubject().isEmpty(),
                        context.config().batch()),
                metrics);
        connection = config.connection().connect("nucleon-" + context.functionName() + "-" + name(), monitor, name());
        try {
            JetStreamConsumerSetup setup = new JetStreamConsumerSetup(config, name());
            setup.ensure(connection);
            DeadLetters deadLetters = config.deadLetterSubject().isEmpty()
                    ? null
                    : new DeadLetters(
                            connection,
                            connection.jetStream(),
                            connection.jetStreamManagement(),
                            config.deadLetterSubject(),
                            context.functionName(),
                            name());
            JetStreamConsumerLoop consumerLoop =
                    new JetStreamConsumerLoop(connection, config, name(), acking, held, deadLetters, setup);
            consumerLoop.open();
            loop = consumerLoop;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            close();
            if (e instanceof IllegalStateException clear) {
                throw clear;
            }
            throw new IllegalStateException(
                    "trigger '" + name() + "': cannot read JetStream consumer '" + config.consumer() + "' on stream '"
                            + config.stream() + "': " + e.getMessage(),
                    e);
        }
        loopThread = Thread.ofPlatform()
                .name("nucleon-natsjetstream-" + name())
                .daemon(true)
                .start(loop);
        startKeepAlive();
        LOG.atInfo()
                .setMessage("natsjetstream trigger consuming")
                .addKeyValue("trigger", name())
                .addKeyValue("servers", config.connection().describeServers())
                .addKeyValue("stream", config.stream())
                .addKeyValue("consumer", config.consumer())
                .log();
    }

    /**
     * Every ackWait/4, {@code inProgress} for each message held at least that long since it came or since
     * the last one: a held message hears from the trigger at least every ackWait/2.
     */
    private void startKeepAlive() {
        long intervalNanos = config.ackWait().toNanos() / 4;
        keepAlive = Executors.newSingleThreadScheduledExecutor(runnable -> Thread.ofPlatform()
                .name("nucleon-natsjetstream-keepalive-" + name())
                .daemon(true)
                .unstarted(runnable));
        keepAlive.scheduleAtFixedRate(
                () -> keepHeldAlive(intervalNanos), intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void keepHeldAlive(long intervalNanos) {
        long now = System.nanoTime();
        for (JetStreamMessage message : held.snapshot()) {
            if (now - message.touchedNanos() >= intervalNanos) {
                try {
                    message.keepAlive(now);
                } catch (RuntimeException e) {
                    // disconnected: the server may deliver it again, which at-least-once allows
                }
            }
        }
    }

    /** Stops reading; messages the client has received but not started go back to the server. */
    @Override
    public synchronized void stopAccepting() {
        if (acking != null) {
            acking.stopAccepting();
        }
        JetStreamConsumerLoop running = loop;
        if (running != null) {
            running.stop();
        }
    }

    /**
     * Waits up to {@code workerTerminationTimeout} for running messages and their acks, stops the consumer
     * thread, hands back ({@code nak}) what is still held (hung or waiting for a retry) so another
     * processor gets it at once, then closes the connection.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAccepting();
        if (acking != null) {
            acking.close(config.workerTerminationTimeout());
        }
        joinLoop();
        if (keepAlive != null) {
            keepAlive.shutdownNow();
        }
        List<JetStreamMessage> unfinished = held.takeAll();
        unfinished.forEach(JetStreamConsumerLoop::handBack);
        if (!unfinished.isEmpty()) {
            LOG.atInfo()
                    .setMessage("handed back unfinished messages for redelivery")
                    .addKeyValue("trigger", name())
                    .addKeyValue("messages", unfinished.size())
                    .log();
        }
        closeConnection();
    }

    private void joinLoop() {
        if (loopThread == null) {
            return;
        }
        try {
            loopThread.join(LOOP_STOP_WAIT);
            if (loopThread.isAlive()) {
                loopThread.interrupt();
                loopThread.join(LOOP_STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeConnection() {
        Connection open = connection;
        if (open == null) {
            return;
        }
        try {
            open.flush(FLUSH_TIMEOUT); // the naks and acks above go out before the socket closes
        } catch (Exception e) {
            // disconnected: the server delivers what was not acknowledged again after ackWait
        }
        try {
            open.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<String> problem() {
        if (connection == null || closed) {
            return Optional.empty();
        }
        String connectionProblem = monitor.problem();
        if (connectionProblem != null) {
            return Optional.of(connectionProblem);
        }
        JetStreamConsumerLoop running = loop;
        String loopProblem = running == null ? null : running.problem();
        if (loopProblem != null) {
            return Optional.of(loopProblem);
        }
        return Optional.ofNullable(acking.problem());
    }

    /** @return messages taken and not yet settled, for tests */
    int held() {
        return held.size();
    }
}
