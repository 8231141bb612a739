package io.nucleon.trigger.nats;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nucleon.runtime.stream.AckingDispatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trigger's consumer thread: reads the durable consumer through the client's simplified API (an
 * {@link IterableConsumer}, which keeps pull requests open, watches the server's heartbeats and pulls
 * again after a reconnect or a server restart) and {@link AckingDispatcher#submit submits} each message,
 * waiting there while {@code maxInFlight} messages are unsettled.
 *
 * <p>When the consumer cannot be read (deleted, the server refuses), the loop reports it as the trigger's
 * problem, and opens it again every second, re-creating a deleted consumer. On the way out it hands back
 * ({@code nak}) the messages the client had already received, so another processor gets them at once
 * instead of after {@code ackWait}.
 */
final class JetStreamConsumerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration HAND_BACK_WAIT = Duration.ofMillis(50);
    private static final int HAND_BACK_LIMIT = 100_000;
    private static final long REOPEN_PAUSE_MILLIS = 1000;
    /**
     * How long one pull request stays open. The client derives the heartbeat from it (half of it) and
     * pulls again after three missed heartbeats, so this also bounds how long a lost pull request (a
     * server restart) goes unnoticed: about 7.5 s.
     */
    static final long PULL_EXPIRES_MILLIS = 5_000;
    /**
     * How often an idle loop asks the server whether its consumer still exists. The client re-subscribes
     * by itself after missed heartbeats and does not report a consumer that is gone without a "deleted"
     * notice (a server restarted without the stream's data), so the loop checks.
     */
    static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Connection connection;
    private final JetStreamTriggerConfig config;
    private final String triggerName;
    private final AckingDispatcher<JetStreamMessage> acking;
    private final HeldMessages<JetStreamMessage> held;
    private final DeadLetters deadLetters;
    private final JetStreamConsumerSetup setup;
    private volatile boolean running = true;
    private volatile String problem;
    private IterableConsumer consumer;
    private long lastSignNanos = System.nanoTime();

    JetStreamConsumerLoop(
            Connection connection,
            JetStreamTriggerConfig config,
            String triggerName,
            AckingDispatcher<JetStreamMessage> acking,
            HeldMessages<JetStreamMessage> held,
            DeadLetters deadLetters,
            JetStreamConsumerSetup setup) {
        this.connection = connection;
        this.config = config;
        this.triggerName = triggerName;
        this.acking = acking;
        this.held = held;
        this.deadLetters = deadLetters;
        this.setup = setup;
    }

    /**
     * Opens the consumer on the caller's thread, so that start-up fails with the reason.
     *
     * @throws IOException when the server does not answer
     * @throws JetStreamApiException when it refuses
     */
    void open() throws IOException, JetStreamApiException {
        ConsumeOptions options = ConsumeOptions.builder()
                .batchSize(Math.min(config.maxInFlight(), config.maxAckPending()))
                .expiresIn(PULL_EXPIRES_MILLIS)
                .build();
        consumer = connection
                .getConsumerContext(config.stream(), config.consumer())
                .iterate(options);
    }

    @Override
    public void run() {
        try {
            while (running) {
                if (consumer == null && !reopen()) {
                    pause();
                    continue;
                }
                Message message = next();
                if (message != null) {
                    lastSignNanos = System.nanoTime();
                    take(message);
                } else if (System.nanoTime() - lastSignNanos > IDLE_CHECK_NANOS) {
                    lastSignNanos = System.nanoTime();
                    checkConsumerExists();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            handBackBuffered();
        }
    }

    private Message next() throws InterruptedException {
        try {
            return consumer.nextMessage(POLL);
        } catch (JetStreamStatusCheckedException | RuntimeException e) {
            failed("reading the consumer failed: " + e.getMessage(), e);
            closeConsumer();
            return null;
        }
    }

    private void take(Message message) throws InterruptedException {
        if (!message.isJetStream()) {
            return; // a status the client did not handle itself
        }
        JetStreamMessage delivery = new JetStreamMessage(message, deadLetters, config.ordered());
        delivery.hold(held);
        if (!acking.submit(delivery)) {
            running = false;
            if (delivery.settled()) {
                handBack(delivery);
            }
        }
    }

    private void checkConsumerExists() {
        try {
            connection.jetStreamManagement().getConsumerInfo(config.stream(), config.consumer());
        } catch (JetStreamApiException e) {
            failed("the server no longer has it: " + e.getMessage(), e);
            closeConsumer(); // opened again, and created again if the stream is there, on the next turn
        } catch (IOException | RuntimeException e) {
            // no answer: the connection's own problem says why
        }
    }

    private boolean reopen() {
        try {
            setup.ensure(connection); // re-creates a consumer someone deleted
            open();
            if (problem != null) {
                problem = null;
                LOG.atInfo()
                        .setMessage("reading the JetStream consumer again")
                        .addKeyValue("trigger", triggerName)
                        .log();
            }
            return true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            failed("cannot open the consumer: " + e.getMessage(), e);
            return false;
        }
    }

    private void failed(String message, Exception cause) {
        boolean first = problem == null;
        problem = "JetStream consumer '" + config.consumer() + "' on stream '" + config.stream() + "': " + message;
        if (first && running) {
            LOG.atWarn()
                    .setMessage("cannot read the JetStream consumer; trying again every second")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("problem", problem)
                    .addKeyValue("cause", cause.toString())
                    .log();
        }
    }

    private void pause() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REOPEN_PAUSE_MILLIS);
        while (running && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Stops pulling; messages the client has already received go back to the server. */
    private void handBackBuffered() {
        IterableConsumer open = consumer;
        if (open == null) {
            return;
        }
        open.stop();
        int handedBack = 0;
        try {
            for (Message message = open.nextMessage(HAND_BACK_WAIT);
                    message != null && handedBack < HAND_BACK_LIMIT;
                    message = open.nextMessage(HAND_BACK_WAIT)) {
                if (message.isJetStream()) {
                    message.nak();
                    handedBack++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JetStreamStatusCheckedException | RuntimeException e) {
            // the rest come back after ackWait
        }
        closeConsumer();
        if (handedBack > 0) {
            LOG.atInfo()
                    .setMessage("handed back messages received but not started")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("messages", handedBack)
                    .log();
        }
    }

    private void closeConsumer() {
        IterableConsumer open = consumer;
        consumer = null;
        if (open != null) {
            try {
                open.close();
            } catch (Exception e) {
                // closing an already broken consumer
            }
        }
    }

    static void handBack(JetStreamMessage message) {
        try {
            message.handBack();
        } catch (RuntimeException e) {
            // the connection is gone: the server delivers it again after ackWait
        }
    }

    /** Stops the loop after the message it is on. */
    void stop() {
        running = false;
    }

    /** @return why the consumer cannot be read, or {@code null} */
    String problem() {
        return problem;
    }
}
