package io.nucleon.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nucleon.function.FunctionMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A function's own meters land on the processor's Prometheus registry with the function's tag. */
class MicrometerFunctionMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FunctionMetrics metrics = new MicrometerFunctionMetrics(registry, Tags.of("function", "orders"));

    @Test
    void shouldPublishCountersTimersSummariesAndGaugesWithTheFunctionTag() {
        metrics.counter("orders.enriched", "region", "eu").increment(3);
        metrics.timer("lookup.time").record(Duration.ofMillis(20));
        metrics.summary("order.size").record(512);
        AtomicInteger depth = new AtomicInteger(7);
        metrics.gauge("queue.depth", depth::get);
        System.gc(); // the gauge holds its supplier strongly

        assertThat(registry.scrape())
                .contains("orders_enriched_total{function=\"orders\",region=\"eu\"} 3.0")
                .contains("lookup_time_seconds_count{function=\"orders\"} 1")
                .contains("order_size_sum{function=\"orders\"} 512.0")
                .contains("queue_depth{function=\"orders\"} 7.0");
    }

    @Test
    void shouldGiveTheSameMeterForTheSameNameAndTags() {
        metrics.counter("hits").increment();
        metrics.counter("hits").increment();

        assertThat(metrics.counter("hits").count()).isEqualTo(2.0);
    }

    @Test
    void shouldAddTheFunctionTagThroughTheRegistryView() {
        MeterRegistry view = metrics.registry(MeterRegistry.class);
        io.micrometer.core.instrument.Counter.builder("raw.events")
                .register(view)
                .increment();

        assertThat(registry.scrape()).contains("raw_events_total{function=\"orders\"} 1.0");
    }

    @Test
    void shouldRefuseAnotherRegistryType() {
        assertThatThrownBy(() -> metrics.registry(String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gives an io.micrometer.core.instrument.MeterRegistry, not a java.lang.String");
    }

    @Test
    void shouldRefuseOddTagsAndTheProcessorsOwnPrefixes() {
        assertThatThrownBy(() -> metrics.counter("x", "lonely"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tags must be key/value pairs, got 1 strings");
        assertThatThrownBy(() -> metrics.counter("nucleon.events"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts with a prefix the processor's own metrics use");
        assertThatThrownBy(() -> io.micrometer.core.instrument.Counter.builder("jvm.mine")
                        .register(metrics.registry(MeterRegistry.class)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
