package io.nucleon.runtime.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.dispatch.EventDispatcher;
import java.time.Duration;

/**
 * Everything a trigger factory needs to build a trigger.
 *
 * @param config the trigger's section of function.yaml
 * @param functionName the function's name
 * @param dispatcher the trigger's entry into its worker pool
 * @param registry where the trigger registers its own metrics
 * @param eventTimeout how long one event may run ({@code spec.eventTimeout})
 */
public record TriggerContext(
        TriggerConfig config,
        String functionName,
        EventDispatcher dispatcher,
        MeterRegistry registry,
        Duration eventTimeout) {}
