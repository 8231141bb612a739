package io.nucleon.runtime.state;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.CacheConfig;
import io.nucleon.config.ConfigLocation;
import io.nucleon.config.ConfigNode;
import io.nucleon.function.ContextCache;
import io.nucleon.function.FunctionMetrics;
import io.nucleon.runtime.binding.DataBindings;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What every worker's context hands out besides the worker's own state: one processor's context cache, the
 * function's metrics and its data bindings.
 *
 * @param cache the context cache
 * @param metrics the function's own metrics
 * @param bindings the data bindings
 */
public record FunctionServices(ContextCache cache, FunctionMetrics metrics, DataBindings bindings) {

    /**
     * Services for worker pools run without a processor (tests, benchmarks): a default cache, metrics on a registry
     * of their own, no data bindings.
     *
     * @param functionName the function's name
     * @return the services
     */
    public static FunctionServices standalone(String functionName) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Tags tags = Tags.of("function", functionName);
        CacheConfig defaults = new CacheConfig(
                OptionalLong.of(CacheConfig.DEFAULT_MAX_ENTRIES),
                OptionalLong.empty(),
                Optional.empty(),
                ConfigNode.emptyMapping("spec.cache", new ConfigLocation("defaults", 0)));
        return new FunctionServices(
                CaffeineContextCache.create(defaults, registry, tags),
                new MicrometerFunctionMetrics(registry, tags),
                DataBindings.none());
    }
}
