package io.nucleon.binding.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;

/**
 * One channel subscription: a daemon thread that holds a connection of its own in Redis's subscribed mode and
 * hands each message to the listener. A heartbeat pings that connection every interval; a connection that drops,
 * or stays silent past its read timeout (a half-open TCP connection sends no error), is replaced after a backoff
 * of {@link #FIRST_RETRY} doubling to {@link #MAX_RETRY}, until the subscription is closed.
 *
 * <p>Closing closes the socket from the closing thread (a blocked read then fails at once) and waits a bounded
 * time for the thread to end.
 */
final class RedisSubscription implements AutoCloseable {

    /** The wait before subscribing again after the first failure. */
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    /** The longest wait between attempts to subscribe again. */
    static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /** How long {@link #close()} waits for the thread to end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(RedisSubscription.class);

    private final String binding;
    private final String channel;
    private final BiConsumer<String, String> listener;
    private final Supplier<Connection> connector;
    private final Consumer<RedisSubscription> onClose;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch firstSubscribed = new CountDownLatch(1);
    private final Thread thread;
    private volatile Session session;
    private volatile ScheduledFuture<?> heartbeat;
    private boolean closed; // guarded by this

    /** The connection in use and its subscriber, replaced on every attempt. */
    private record Session(Connection connection, Subscriber subscriber) {}

    /**
     * @param binding the binding's name, for thread names and logs
     * @param channel the channel to subscribe to
     * @param listener gets (channel, message) on this subscription's thread
     * @param connector opens a connected, authenticated connection whose blocking reads time out
     * @param onClose told once when the subscription is closed
     */
    RedisSubscription(
            String binding,
            String channel,
            BiConsumer<String, String> listener,
            Supplier<Connection> connector,
            Consumer<RedisSubscription> onClose) {
        this.binding = binding;
        this.channel = channel;
        this.listener = listener;
        this.connector = connector;
        this.onClose = onClose;
        this.thread = Thread.ofPlatform()
                .daemon(true)
                .name("nucleon-redis-sub-" + binding + "-" + channel)
                .unstarted(this::run);
    }

    /**
     * Starts the thread and the heartbeat.
     *
     * @param scheduler runs the heartbeat
     * @param interval how often the heartbeat pings
     */
    void start(ScheduledExecutorService scheduler, Duration interval) {
        long nanos = interval.toNanos();
        heartbeat = scheduler.scheduleAtFixedRate(this::ping, nanos, nanos, TimeUnit.NANOSECONDS);
        thread.start();
    }

    /**
     * @param timeout the longest wait
     * @return whether Redis confirmed the subscription within it
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        return firstSubscribed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return the subscription's thread */
    Thread thread() {
        return thread;
    }

    private void run() {
        long retryNanos = FIRST_RETRY.toNanos();
        boolean lost = false;
        while (closing.getCount() > 0) {
            Subscriber subscriber = new Subscriber(lost);
            Connection connection = null;
            try {
                connection = connector.get();
                if (!use(connection, subscriber)) {
                    break;
                }
                // Returns only after an UNSUBSCRIBE, which nothing sends: a subscription ends by its socket closing.
                subscriber.proceed(connection, channel);
            } catch (RuntimeException e) {
                if (closing.getCount() == 0) {
                    break;
                }
                retryNanos = subscriber.confirmed ? FIRST_RETRY.toNanos() : retryNanos;
                logFailure(e, retryNanos);
            } finally {
                session = null;
                closeQuietly(connection);
            }
            lost = true;
            if (awaitClosing(retryNanos)) {
                break;
            }
            retryNanos = Math.min(retryNanos * 2, MAX_RETRY.toNanos());
        }
    }

    /** @return false when the subscription was closed while the connection was being opened */
    private synchronized boolean use(Connection connection, Subscriber subscriber) {
        if (closed) {
            return false;
        }
        session = new Session(connection, subscriber);
        return true;
    }

    private boolean awaitClosing(long nanos) {
        try {
            return closing.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The heartbeat: a PING whose answer keeps the connection's reads from timing out. */
    private void ping() {
        Session current = session;
        if (current == null || !current.subscriber().confirmed) {
            return;
        }
        try {
            current.subscriber().ping();
        } catch (RuntimeException e) {
            forceDisconnect(current.connection()); // the subscriber's read fails now, not at its timeout
        }
    }

    private void logFailure(RuntimeException e, long retryNanos) {
        LOG.atWarn()
                .setMessage("redis subscription failed; subscribing again")
                .addKeyValue("binding", binding)
                .addKeyValue("channel", channel)
                .addKeyValue("retryMs", TimeUnit.NANOSECONDS.toMillis(retryNanos))
                .addKeyValue("reason", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                .log();
    }

    /** Ends the subscription: no more messages, the connection closed, the thread ended (bounded wait). */
    @Override
    public void close() {
        stop();
        if (!awaitEnd(System.nanoTime() + CLOSE_WAIT.toNanos())) {
            LOG.atWarn()
                    .setMessage("redis subscription thread did not end; left behind as a daemon thread")
                    .addKeyValue("binding", binding)
                    .addKeyValue("channel", channel)
                    .addKeyValue("waitedMs", CLOSE_WAIT.toMillis())
                    .log();
        }
    }

    /** Tells the thread to end and closes its socket, without waiting. */
    void stop() {
        Session current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = session;
        }
        closing.countDown();
        ScheduledFuture<?> beat = heartbeat;
        if (beat != null) {
            beat.cancel(false);
        }
        if (current != null) {
            forceDisconnect(current.connection());
        }
        onClose.accept(this);
    }

    /**
     * @param deadlineNanos a {@link System#nanoTime()} by which to give up
     * @return whether the thread has ended (true also when called from the thread itself, e.g. a listener)
     */
    boolean awaitEnd(long deadlineNanos) {
        if (Thread.currentThread() == thread) {
            return true;
        }
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                thread.join(Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private static void forceDisconnect(Connection connection) {
        try {
            connection.forceDisconnect();
        } catch (IOException | RuntimeException e) {
            // closing a socket that is already broken; nothing is left to release
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException e) {
                // the connection is dropped either way
            }
        }
    }

    /** Jedis's callbacks, on this subscription's thread. */
    private final class Subscriber extends JedisPubSub {

        private final boolean lost;
        private volatile boolean confirmed;

        Subscriber(boolean lost) {
            this.lost = lost;
        }

        @Override
        public void onSubscribe(String subscribedChannel, int subscribedChannels) {
            confirmed = true;
            firstSubscribed.countDown();
            if (lost) {
                LOG.atInfo()
                        .setMessage("redis subscription restored")
                        .addKeyValue("binding", binding)
                        .addKeyValue("channel", channel)
                        .log();
            }
        }

        @Override
        public void onMessage(String fromChannel, String message) {
            try {
                listener.accept(fromChannel, message);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.atWarn()
                        .setMessage("redis subscription listener failed; the subscription goes on")
                        .addKeyValue("binding", binding)
                        .addKeyValue("channel", fromChannel)
                        .setCause(t)
                        .log();
            }
        }
    }
}
