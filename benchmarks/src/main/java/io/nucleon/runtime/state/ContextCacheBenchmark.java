package io.nucleon.runtime.state;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.CacheConfig;
import io.nucleon.config.ConfigLocation;
import io.nucleon.config.ConfigNode;
import io.nucleon.function.ContextCache;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the context cache costs a function per call, against a plain {@link ConcurrentHashMap} (no bound, no
 * expiry, no counts) doing the same, with two threads as two workers sharing one cache:
 *
 * <pre>
 * worker 0 --+
 *            +--> context cache (Caffeine: bound, TTL, hit/miss counts)   vs   ConcurrentHashMap
 * worker 1 --+
 * </pre>
 *
 * <ul>
 *   <li>{@code *GetHit}: read one of {@code keys} present keys;
 *   <li>{@code *ComputeIncrement}: a per-key counter, {@code compute(key, (k, n) -> n == null ? 1 : n + 1)};
 *   <li>{@code contextCacheCounterCell}: the same counter kept as a cached {@link AtomicLong}, {@code get(key, k ->
 *       new AtomicLong()).incrementAndGet()}.
 * </ul>
 *
 * Keys are made once. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per call across both
 * threads (the counter's {@code Long} boxes count in both).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@Threads(2)
@State(Scope.Benchmark)
public class ContextCacheBenchmark {

    /** Keys present in the cache. */
    @Param({"1000"})
    public int keys;

    private String[] names;
    private String[] cells;
    private ContextCache cache;
    private ConcurrentHashMap<Object, Object> map;

    /** Fills both with the same keys. */
    @Setup(Level.Trial)
    public void fill() {
        names = new String[keys];
        cells = new String[keys];
        CacheConfig config = new CacheConfig(
                OptionalLong.of(10_000),
                OptionalLong.empty(),
                Optional.of(java.time.Duration.ofMinutes(10)),
                ConfigNode.emptyMapping("spec.cache", new ConfigLocation("benchmark", 0)));
        cache = CaffeineContextCache.create(config, new SimpleMeterRegistry(), Tags.of("function", "bench"));
        map = new ConcurrentHashMap<>();
        for (int i = 0; i < keys; i++) {
            names[i] = "key-" + i;
            cells[i] = "cell-" + i;
            cache.put(names[i], 0L);
            map.put(names[i], 0L);
        }
    }

    /** Which key a thread uses next. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        String key(String[] names) {
            next = next + 1 == names.length ? 0 : next + 1;
            return names[next];
        }
    }

    @Benchmark
    public Object contextCacheGetHit(Cursor cursor) {
        return cache.get(cursor.key(names));
    }

    @Benchmark
    public Object concurrentHashMapGetHit(Cursor cursor) {
        return map.get(cursor.key(names));
    }

    @Benchmark
    public Object contextCacheComputeIncrement(Cursor cursor) {
        return cache.<Long>compute(cursor.key(names), (key, n) -> n == null ? 1L : n + 1);
    }

    @Benchmark
    public long contextCacheCounterCell(Cursor cursor) {
        return cache.get(cursor.key(cells), key -> new AtomicLong()).incrementAndGet();
    }

    @Benchmark
    public Object concurrentHashMapComputeIncrement(Cursor cursor) {
        return map.compute(cursor.key(names), (key, n) -> n == null ? 1L : (Long) n + 1);
    }
}
