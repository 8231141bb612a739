package io.nucleon.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The {@code spec} section of function.yaml.
 *
 * @param handler the fully qualified class implementing {@code io.nucleon.function.Function}
 * @param runtime {@code java}
 * @param description free text
 * @param env environment variables given to the function, in file order
 * @param triggers triggers by name, in file order; a {@code default-http} trigger when none is given
 * @param eventTimeout how long one event may run before it fails with a timeout
 * @param minReplicas the least number of processor replicas (used by the platforms)
 * @param maxReplicas the most number of processor replicas (used by the platforms)
 * @param replicas a fixed number of processor replicas ({@code spec.replicas}); empty when not given
 * @param build what a platform adds when it builds the code ({@code spec.build})
 * @param restartPolicy whether a platform restarts a processor that ended by itself
 *     ({@code spec.platform.attributes.restartPolicy})
 * @param dataBindings data bindings by name, in file order ({@code spec.dataBindings})
 * @param cache the context cache's bounds ({@code spec.cache}; the defaults when omitted)
 * @param node the spec section itself, for error messages about it
 */
public record FunctionSpec(
        String handler,
        String runtime,
        String description,
        Map<String, String> env,
        Map<String, TriggerConfig> triggers,
        Duration eventTimeout,
        int minReplicas,
        int maxReplicas,
        OptionalInt replicas,
        BuildSpec build,
        RestartPolicy restartPolicy,
        Map<String, DataBindingConfig> dataBindings,
        CacheConfig cache,
        ConfigNode node) {

    /** The default of {@code spec.eventTimeout}: {@value} seconds. */
    public static final int DEFAULT_EVENT_TIMEOUT_SECONDS = 60;

    public FunctionSpec {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        triggers = Collections.unmodifiableMap(new LinkedHashMap<>(triggers));
        dataBindings = Collections.unmodifiableMap(new LinkedHashMap<>(dataBindings));
    }

    /**
     * @return how many processors a platform without autoscaling runs: {@code replicas}, else {@code
     *     minReplicas}, and at least one
     */
    public int fixedReplicas() {
        return Math.max(1, replicas.orElse(minReplicas));
    }
}
