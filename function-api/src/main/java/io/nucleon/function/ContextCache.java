package io.nucleon.function;

import java.time.Duration;
import java.util.function.BiFunction;

/**
 * A bounded in-process cache shared by all workers of one processor: what one worker puts, the others read.
 * It is safe to use from any worker at the same time. Bounds (most entries or most bytes) and the default
 * time-to-live come from {@code spec.cache} in function.yaml; when the cache is full the entries least likely to
 * be used again are evicted. Hits, misses and evictions are counted on the processor's {@code /metrics}.
 *
 * <p>For state that only one worker touches, keep it in the function instance's fields or in {@link
 * InitContext#userData()}: no locking at all.
 */
public interface ContextCache {

    /**
     * @param <V> the type the caller expects
     * @param key the key
     * @return the value, or {@code null} when absent or expired (a miss)
     * @throws ClassCastException if the value is not a {@code V}
     */
    <V> V get(Object key);

    /**
     * Returns the value, computing it once when absent: other workers asking for the same key meanwhile wait for
     * that computation instead of repeating it.
     *
     * @param <V> the type of the value
     * @param key the key
     * @param loader computes the value from the key; returning {@code null} stores nothing
     * @return the cached or computed value, or {@code null}
     */
    <V> V get(Object key, java.util.function.Function<Object, ? extends V> loader);

    /**
     * Stores a value with the cache's default time-to-live ({@code spec.cache.ttl}; none when not set).
     *
     * @param key the key
     * @param value the value; not {@code null}
     */
    void put(Object key, Object value);

    /**
     * Stores a value that expires after its own time-to-live.
     *
     * @param key the key
     * @param value the value; not {@code null}
     * @param ttl how long the entry lives; longer than 0
     */
    void put(Object key, Object value, Duration ttl);

    /**
     * Atomically replaces the value of one key with what {@code remapping} makes of the current value (or of
     * {@code null} when absent); workers changing the same key do so one after the other. A per-key counter:
     * {@code cache.compute(key, (k, n) -> n == null ? 1L : (Long) n + 1)}. The entry gets the default
     * time-to-live anew. Each call allocates a few hundred bytes; for a counter on every event keep a mutable cell
     * instead: {@code cache.get(key, k -> new AtomicLong()).incrementAndGet()}.
     *
     * @param <V> the type of the value
     * @param key the key
     * @param remapping the new value from the old one; {@code null} removes the entry
     * @return the new value, or {@code null}
     */
    <V> V compute(Object key, BiFunction<Object, ? super V, ? extends V> remapping);

    /** @param key the key whose entry to remove */
    void invalidate(Object key);

    /** @return about how many entries the cache holds (expired ones may still be counted) */
    long estimatedSize();

    /**
     * What a value weighs when {@code spec.cache.maxWeightBytes} bounds the cache. Without it, byte arrays,
     * {@link java.nio.ByteBuffer}s and strings weigh their length, other values a fixed estimate (64 bytes).
     */
    interface Sized {

        /** @return about how many bytes this value holds */
        long sizeBytes();
    }
}
