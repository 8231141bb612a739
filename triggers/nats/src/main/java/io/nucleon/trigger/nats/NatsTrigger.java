package io.nucleon.trigger.nats;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.stream.AckingDispatcher;
import io.nucleon.runtime.stream.DeliveryMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code nats} trigger: subscribes to a core NATS subject (in a queue group when {@code queueName} is
 * set) and hands each message to the function. Core NATS keeps nothing, so delivery is at most once:
 * a failed message is retried here (held in memory) and then published to {@code deadLetterSubject}, and
 * a message with a reply subject gets the function's response.
 *
 * <pre>
 *   server --> client pending queue (pendingMessageLimit/ByteLimit; past them: dropped, counted)
 *          --> dispatcher thread --submit (blocks at maxInFlight)--> workers --> settle: reply / retry / dead letter
 * </pre>
 *
 * <p>While the function keeps up nothing is lost in the trigger. When it does not, the client's dispatcher
 * thread waits in {@link AckingDispatcher#submit}, messages pile up in the client's pending queue, and past
 * its limits the client drops them: counted as {@code nucleon_trigger_messages_dropped_total{reason=
 * "slow_consumer"}} and logged, never silently.
 */
final class NatsTrigger implements Trigger {

    private static final Logger LOG = LoggerFactory.getLogger(NatsTrigger.class);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);

    private final TriggerContext context;
    private final NatsTriggerConfig config;
    private final DeliveryMetrics metrics;
    private final NatsConnectionMonitor monitor;
    private final HeldMessages<NatsCoreMessage> held = new HeldMessages<>();
    private final LongAdder droppedStopping = new LongAdder();
    private AckingDispatcher<NatsCoreMessage> acking;
    private volatile Connection connection;
    private Dispatcher dispatcher;
    private DeadLetters deadLetters;
    private boolean started;
    private boolean stopped;
    private volatile boolean closed;

    NatsTrigger(TriggerContext context, NatsTriggerConfig config) {
        this.context = context;
        this.config = config;
        this.metrics = new DeliveryMetrics(context.registry(), context.functionName(), NatsTriggerFactory.KIND, name());
        this.monitor = new NatsConnectionMonitor(name(), config.connection().describeServers());
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return NatsTriggerFactory.KIND;
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
        deadLetters = config.deadLetterSubject().isEmpty()
                ? null
                : new DeadLetters(connection, null, null, config.deadLetterSubject(), context.functionName(), name());
        dispatcher = connection.createDispatcher(this::onMessage);
        dispatcher.setPendingLimits(config.pendingMessageLimit(), config.pendingByteLimit());
        if (config.queueGroup()) {
            dispatcher.subscribe(config.topic(), config.queueName());
        } else {
            dispatcher.subscribe(config.topic());
        }
        metrics.dropped("slow_consumer", dispatcher, Consumer::getDroppedCount);
        metrics.dropped("stopping", droppedStopping, LongAdder::doubleValue);
        awaitSubscribed();
        LOG.atInfo()
                .setMessage("nats trigger subscribed")
                .addKeyValue("trigger", name())
                .addKeyValue("servers", config.connection().describeServers())
                .addKeyValue("topic", config.topic())
                .addKeyValue("queueName", config.queueName())
                .log();
    }

    /** A round trip to the server, so that messages published after start() returns reach the trigger. */
    private void awaitSubscribed() {
        try {
            connection.flush(SUBSCRIBE_TIMEOUT);
        } catch (TimeoutException e) {
            close();
            throw new IllegalStateException("trigger '" + name() + "': NATS did not confirm the subscription to '"
                    + config.topic() + "' within " + SUBSCRIBE_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("trigger '" + name() + "': interrupted while subscribing", e);
        }
    }

    /** On the client's dispatcher thread; blocks while maxInFlight messages are unsettled. */
    private void onMessage(Message message) {
        NatsCoreMessage delivery = new NatsCoreMessage(message, deadLetters);
        delivery.hold(held);
        try {
            if (!acking.submit(delivery) && delivery.settled()) {
                droppedStopping.increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (delivery.settled()) {
                droppedStopping.increment();
            }
        }
    }

    /**
     * Stops the subscription: the server sends nothing more, and the messages the client has already
     * queued are still handed to the function (core NATS cannot give them back) until {@link #close()}.
     */
    @Override
    public synchronized void stopAccepting() {
        if (stopped || dispatcher == null) {
            return;
        }
        stopped = true;
        try {
            dispatcher.drain(config.workerTerminationTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // disconnected: nothing more arrives anyway
            LOG.atDebug()
                    .setMessage("could not drain the subscription")
                    .addKeyValue("trigger", name())
                    .addKeyValue("cause", e.toString())
                    .log();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (acking != null) {
            acking.close(config.workerTerminationTimeout());
        }
        int abandoned = held.takeAll().size();
        if (abandoned > 0) {
            droppedStopping.add(abandoned);
            LOG.atWarn()
                    .setMessage("messages still unsettled at shutdown are lost (core NATS cannot redeliver)")
                    .addKeyValue("trigger", name())
                    .addKeyValue("messages", abandoned)
                    .log();
        }
        Connection open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public Optional<String> problem() {
        String connectionProblem = connection == null || closed ? null : monitor.problem();
        if (connectionProblem != null) {
            return Optional.of(connectionProblem);
        }
        AckingDispatcher<NatsCoreMessage> running = acking;
        return running == null ? Optional.empty() : Optional.ofNullable(running.problem());
    }

    /** @return messages the client dropped because the function did not keep up, for tests */
    long droppedSlowConsumer() {
        Dispatcher subscribed = dispatcher;
        return subscribed == null ? 0 : subscribed.getDroppedCount();
    }
}
