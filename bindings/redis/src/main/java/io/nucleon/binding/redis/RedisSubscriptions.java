package io.nucleon.binding.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;

/**
 * A binding's live subscriptions and the one heartbeat thread they share (started with the first subscription).
 * Closing ends them all, waiting for their threads together within one bound.
 */
final class RedisSubscriptions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSubscriptions.class);

    private final String binding;
    private final Supplier<Connection> connector;
    private final Duration heartbeatInterval;
    private final Duration confirmWait;
    private final Set<RedisSubscription> live = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService heartbeat; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param binding the binding's name
     * @param connector opens a subscription's connection
     * @param heartbeatInterval how often each subscription pings
     * @param confirmWait how long {@link #subscribe} waits for Redis to confirm
     */
    RedisSubscriptions(
            String binding, Supplier<Connection> connector, Duration heartbeatInterval, Duration confirmWait) {
        this.binding = binding;
        this.connector = connector;
        this.heartbeatInterval = heartbeatInterval;
        this.confirmWait = confirmWait;
    }

    /**
     * Starts a subscription and waits, within {@code confirmWait}, until Redis confirms it; past that it returns
     * anyway and the subscription keeps trying on its own.
     *
     * @param channel the channel
     * @param listener gets (channel, message)
     * @return the running subscription
     * @throws IllegalStateException when the binding is closed
     */
    RedisSubscription subscribe(String channel, BiConsumer<String, String> listener) {
        RedisSubscription subscription;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("data binding '" + binding + "' is closed");
            }
            subscription = new RedisSubscription(binding, channel, listener, connector, live::remove);
            live.add(subscription);
            subscription.start(heartbeat(), heartbeatInterval);
        }
        try {
            if (!subscription.awaitSubscribed(confirmWait)) {
                LOG.atWarn()
                        .setMessage("redis subscription not confirmed yet; it keeps trying in the background")
                        .addKeyValue("binding", binding)
                        .addKeyValue("channel", channel)
                        .addKeyValue("waitedMs", confirmWait.toMillis())
                        .log();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return subscription;
    }

    private ScheduledExecutorService heartbeat() {
        if (heartbeat == null) {
            heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                    .daemon(true)
                    .name("nucleon-redis-heartbeat-" + binding)
                    .factory());
        }
        return heartbeat;
    }

    /** @return the subscriptions not closed yet */
    int size() {
        return live.size();
    }

    /** Closes every subscription and the heartbeat thread; waits at most {@link RedisSubscription#CLOSE_WAIT}. */
    @Override
    public void close() {
        List<RedisSubscription> open;
        ScheduledExecutorService beat;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(live);
            beat = heartbeat;
        }
        open.forEach(RedisSubscription::stop);
        if (beat != null) {
            beat.shutdownNow();
        }
        long deadline = System.nanoTime() + RedisSubscription.CLOSE_WAIT.toNanos();
        for (RedisSubscription subscription : open) {
            if (!subscription.awaitEnd(deadline)) {
                LOG.atWarn()
                        .setMessage("redis subscription thread did not end; left behind as a daemon thread")
                        .addKeyValue("binding", binding)
                        .addKeyValue("thread", subscription.thread().getName())
                        .log();
            }
        }
    }
}
