package io.nucleon.runtime.state;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.nucleon.config.CacheConfig;
import io.nucleon.function.ContextCache;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiFunction;

/**
 * The context cache over Caffeine: bounded by entries or by estimated bytes, each entry with the default
 * time-to-live or one of its own, hits, misses and evictions counted on the processor's registry.
 */
public final class CaffeineContextCache implements ContextCache {

    /** What a value of a type the cache cannot measure weighs: {@value} bytes. */
    public static final int UNKNOWN_VALUE_WEIGHT = 64;

    /** The {@code cache} tag of the cache's meters. */
    public static final String CACHE_NAME = "context";

    private final Cache<Object, Object> cache;
    private final Policy.VarExpiration<Object, Object> expiration;

    /**
     * @param config the bounds and default time-to-live
     * @param ticker the time source (a fake one in tests)
     * @param executor runs evictions and removal work ({@code Runnable::run} in tests)
     */
    CaffeineContextCache(CacheConfig config, Ticker ticker, Executor executor) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .recordStats()
                .ticker(ticker)
                .executor(executor)
                .expireAfter(new DefaultTtl(config.ttl().map(Duration::toNanos).orElse(Long.MAX_VALUE)));
        if (ticker == Ticker.systemTicker()) {
            builder.scheduler(Scheduler.systemScheduler()); // expired entries leave (and count) without a next access
        }
        if (config.maxEntries().isPresent()) {
            builder.maximumSize(config.maxEntries().getAsLong());
        } else {
            builder.maximumWeight(config.maxWeightBytes().orElseThrow()).weigher((key, value) -> weigh(value));
        }
        this.cache = builder.build();
        this.expiration = cache.policy().expireVariably().orElseThrow();
    }

    /**
     * The processor's cache: real time, Caffeine's default executor, meters on {@code registry}.
     *
     * @param config {@code spec.cache}
     * @param registry the processor's registry
     * @param tags the function's tags
     * @return the cache
     */
    public static CaffeineContextCache create(CacheConfig config, MeterRegistry registry, Tags tags) {
        CaffeineContextCache created =
                new CaffeineContextCache(config, Ticker.systemTicker(), ForkJoinPool.commonPool());
        CaffeineCacheMetrics.monitor(registry, created.cache, CACHE_NAME, tags);
        return created;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V get(Object key) {
        return (V) cache.getIfPresent(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V get(Object key, java.util.function.Function<Object, ? extends V> loader) {
        return (V) cache.get(key, loader);
    }

    @Override
    public void put(Object key, Object value) {
        cache.put(key, Objects.requireNonNull(value, "value"));
    }

    @Override
    public void put(Object key, Object value, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be longer than 0, got " + ttl);
        }
        expiration.put(key, Objects.requireNonNull(value, "value"), ttl);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V compute(Object key, BiFunction<Object, ? super V, ? extends V> remapping) {
        return (V) cache.asMap().compute(key, (k, old) -> remapping.apply(k, (V) old));
    }

    @Override
    public void invalidate(Object key) {
        cache.invalidate(key);
    }

    @Override
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /** Runs pending evictions now (tests). */
    void cleanUp() {
        cache.cleanUp();
    }

    /** @return hit, miss and eviction counts so far */
    com.github.benmanes.caffeine.cache.stats.CacheStats stats() {
        return cache.stats();
    }

    static int weigh(Object value) {
        long bytes;
        if (value instanceof Sized sized) {
            bytes = sized.sizeBytes();
        } else if (value instanceof byte[] array) {
            bytes = array.length;
        } else if (value instanceof ByteBuffer buffer) {
            bytes = buffer.remaining();
        } else if (value instanceof CharSequence text) {
            bytes = text.length();
        } else {
            bytes = UNKNOWN_VALUE_WEIGHT;
        }
        return (int) Math.clamp(bytes, 1, Integer.MAX_VALUE);
    }

    /** Every write gets the default time-to-live unless put with its own; reads do not extend it. */
    private record DefaultTtl(long ttlNanos) implements Expiry<Object, Object> {

        @Override
        public long expireAfterCreate(Object key, Object value, long currentTime) {
            return ttlNanos;
        }

        @Override
        public long expireAfterUpdate(Object key, Object value, long currentTime, long currentDuration) {
            return ttlNanos;
        }

        @Override
        public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
