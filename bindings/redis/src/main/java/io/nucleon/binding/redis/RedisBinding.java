package io.nucleon.binding.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiConsumer;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * A {@code redis} data binding as functions use it: one object shared by every worker, safe to call from any
 * thread. Fetch it once in {@code init} and keep it in a field:
 *
 * <pre>{@code
 * private RedisBinding redis;
 *
 * public void init(InitContext context) {
 *     redis = context.dataBinding("cache", RedisBinding.class);
 * }
 *
 * public Response handle(Context context, Event event) {
 *     long visits = redis.increment("visits:" + event.bodyString());
 *     redis.client().hset("last-seen", event.bodyString(), Long.toString(System.currentTimeMillis()));
 *     return Response.ok(Long.toString(visits));
 * }
 * }</pre>
 *
 * <p>{@link #client()} is Jedis's pooled client, for every Redis command; the other methods are shortcuts for the
 * most common ones. Commands borrow a pooled connection for their duration, so no call needs closing. Failures are
 * Jedis's unchecked exceptions ({@code redis.clients.jedis.exceptions.JedisException} and its subtypes).
 *
 * <p>The processor creates, checks and closes the binding; functions never close it.
 */
public final class RedisBinding {

    private final RedisClient client;
    private final RedisSubscriptions subscriptions;

    RedisBinding(RedisClient client, RedisSubscriptions subscriptions) {
        this.client = client;
        this.subscriptions = subscriptions;
    }

    /**
     * The underlying client, for every Redis command ({@code hset}, {@code expire}, {@code zadd}, pipelines,
     * transactions...). Thread-safe: each command borrows a connection from the binding's pool ({@code maxTotal}
     * connections) and returns it. Do not close it.
     *
     * @return Jedis's pooled client
     */
    public RedisClient client() {
        return client;
    }

    /**
     * {@code GET key}.
     *
     * @param key the key
     * @return the value, or {@code null} when the key does not exist
     */
    public String get(String key) {
        return client.get(Objects.requireNonNull(key, "key"));
    }

    /**
     * {@code SET key value}: stores the value with no expiry (an expiry the key had is dropped).
     *
     * @param key the key
     * @param value the value
     */
    public void set(String key, String value) {
        client.set(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    /**
     * {@code SET key value PX ttl}: stores the value and lets Redis delete it after {@code ttl}.
     *
     * @param key the key
     * @param value the value
     * @param ttl how long the key lives; at least 1 ms
     * @throws IllegalArgumentException when {@code ttl} is shorter than 1 ms
     */
    public void set(String key, String value, Duration ttl) {
        long millis = Objects.requireNonNull(ttl, "ttl").toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("ttl must be at least 1ms, got " + ttl);
        }
        client.set(
                Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(value, "value"),
                SetParams.setParams().px(millis));
    }

    /**
     * {@code INCR key}: adds one to an integer value, atomically; a missing key counts as 0.
     *
     * @param key the key
     * @return the value after the increment
     */
    public long increment(String key) {
        return client.incr(Objects.requireNonNull(key, "key"));
    }

    /**
     * {@code PUBLISH channel message}.
     *
     * @param channel the channel
     * @param message the message
     * @return how many subscribers got it (on this server)
     */
    public long publish(String channel, String message) {
        return client.publish(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(message, "message"));
    }

    /**
     * Subscribes to a channel on a connection and a daemon thread of the subscription's own (not a pooled
     * connection). The listener gets {@code (channel, message)} on that thread, one message at a time, so it must
     * be quick and thread-safe towards the function's workers; an exception it throws is logged and the
     * subscription goes on.
     *
     * <p>The call returns once Redis confirmed the subscription (messages published from then on arrive), or, when
     * Redis does not answer within {@code connectTimeout} + {@code socketTimeout}, returns anyway and keeps trying
     * in the background. A connection that drops, or stays silent past three heartbeats ({@code socketTimeout}
     * apart), is replaced and the channel subscribed again, with a backoff from 100 ms to 5 s; messages published
     * while no connection is subscribed are lost (Redis pub/sub keeps nothing).
     *
     * <p>Each call is one more subscription: a function whose workers all subscribe in {@code init} gets every
     * message once per worker. Subscribe once (for example only where {@code context.workerId() == 0}) when one
     * delivery is wanted.
     *
     * @param channel the channel (not a pattern)
     * @param listener gets the channel and the message
     * @return a handle whose {@code close()} ends the subscription; the binding ends the ones still open when the
     *     processor stops
     * @throws IllegalStateException when the binding is closed
     */
    public AutoCloseable subscribe(String channel, BiConsumer<String, String> listener) {
        return subscriptions.subscribe(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(listener));
    }
}
