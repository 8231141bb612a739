package io.nucleon.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nucleon.config.CacheConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.function.ContextCache;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The context cache's bounds, time-to-live and counts, on a fake clock and a same-thread executor. */
class CaffeineContextCacheTest {

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void shouldHoldNoMoreThanMaxEntries() {
        CaffeineContextCache cache = cache("{maxEntries: 100}");

        for (int i = 0; i < 1_000; i++) {
            cache.put("k" + i, i);
        }
        cache.cleanUp();

        assertThat(cache.estimatedSize()).isEqualTo(100);
        assertThat(cache.stats().evictionCount()).isEqualTo(900);
    }

    @Test
    void shouldHoldNoMoreThanMaxWeightBytes() {
        CaffeineContextCache cache = cache("{maxWeightBytes: 10k}");

        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, new byte[1000]);
        }
        cache.cleanUp();

        assertThat(cache.estimatedSize()).isLessThanOrEqualTo(10);
        assertThat(cache.stats().evictionWeight()).isGreaterThanOrEqualTo(90_000);
    }

    @Test
    void shouldExpireEntriesAfterTheDefaultTtl() {
        CaffeineContextCache cache = cache("{ttl: 10s}");
        cache.put("a", "1");

        advance(Duration.ofSeconds(9));
        assertThat((String) cache.get("a")).isEqualTo("1");
        advance(Duration.ofSeconds(2));
        assertThat((String) cache.get("a")).as("written 11 s ago").isNull();
    }

    @Test
    void shouldNotExtendTheTtlOnRead() {
        CaffeineContextCache cache = cache("{ttl: 10s}");
        cache.put("a", "1");
        for (int i = 0; i < 4; i++) {
            advance(Duration.ofSeconds(3));
            cache.get("a");
        }
        assertThat((String) cache.get("a")).isNull();
    }

    @Test
    void shouldExpireAnEntryAfterItsOwnTtl() {
        CaffeineContextCache cache = cache("{ttl: 1h}");
        cache.put("short", "s", Duration.ofSeconds(5));
        cache.put("default", "d");

        advance(Duration.ofSeconds(6));

        assertThat((String) cache.get("short")).isNull();
        assertThat((String) cache.get("default")).isEqualTo("d");
    }

    @Test
    void shouldKeepEntriesWithoutTtlUntilEvicted() {
        CaffeineContextCache cache = cache("{}");
        cache.put("a", "1");

        advance(Duration.ofDays(400));

        assertThat((String) cache.get("a")).isEqualTo("1");
    }

    @Test
    void shouldRefuseATtlThatIsNotPositive() {
        CaffeineContextCache cache = cache("{}");

        assertThatThrownBy(() -> cache.put("a", "1", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must be longer than 0, got PT0S");
    }

    @Test
    void shouldCountHitsAndMissesAndLoadOnce() {
        CaffeineContextCache cache = cache("{}");
        AtomicLong loads = new AtomicLong();

        String first = cache.get("k", key -> "v" + loads.incrementAndGet());
        String second = cache.get("k", key -> "v" + loads.incrementAndGet());
        cache.get("absent");

        assertThat(first).isEqualTo("v1");
        assertThat(second).isEqualTo("v1");
        assertThat(cache.stats().hitCount()).isEqualTo(1);
        assertThat(cache.stats().missCount()).isEqualTo(2);
    }

    @Test
    void shouldComputeAtomicallyAcrossThreads() throws Exception {
        CaffeineContextCache cache = cache("{}");
        Runnable increments = () -> {
            for (int i = 0; i < 20_000; i++) {
                cache.<Long>compute("counter", (key, n) -> n == null ? 1L : n + 1);
            }
        };
        Thread a = Thread.ofPlatform().start(increments);
        Thread b = Thread.ofPlatform().start(increments);
        a.join();
        b.join();

        assertThat((Long) cache.get("counter")).isEqualTo(40_000L);
    }

    @Test
    void shouldWeighValuesByWhatTheyHold() {
        assertThat(CaffeineContextCache.weigh(new byte[300])).isEqualTo(300);
        assertThat(CaffeineContextCache.weigh(ByteBuffer.allocate(50))).isEqualTo(50);
        assertThat(CaffeineContextCache.weigh("twelve chars")).isEqualTo(12);
        assertThat(CaffeineContextCache.weigh((ContextCache.Sized) () -> 4096)).isEqualTo(4096);
        assertThat(CaffeineContextCache.weigh(new Object())).isEqualTo(CaffeineContextCache.UNKNOWN_VALUE_WEIGHT);
        assertThat(CaffeineContextCache.weigh(new byte[0]))
                .as("never 0: Caffeine would never evict it")
                .isEqualTo(1);
    }

    @Test
    void shouldPublishHitsMissesAndEvictionsWithTheFunctionsTags() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CaffeineContextCache cache =
                CaffeineContextCache.create(config("{maxEntries: 1}"), registry, Tags.of("function", "f"));
        cache.put("a", "1");
        cache.get("a");
        cache.get("b");
        cache.put("b", "2");
        cache.cleanUp();

        assertThat(registry.scrape())
                .contains("cache_gets_total{cache=\"context\",function=\"f\",result=\"hit\"} 1.0")
                .contains("cache_gets_total{cache=\"context\",function=\"f\",result=\"miss\"} 1.0")
                .contains("cache_evictions_total{cache=\"context\",function=\"f\"} 1.0")
                .contains("cache_size{cache=\"context\",function=\"f\"} 1.0");
    }

    private CaffeineContextCache cache(String section) {
        return new CaffeineContextCache(config(section), nanos::get, Runnable::run);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    private static CacheConfig config(String section) {
        String yaml = """
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: cache-test
                spec:
                  handler: com.example.Handler
                  cache: %s
                """.formatted(section);
        return FunctionConfigLoader.parse(yaml, "function.yaml").spec().cache();
    }
}
