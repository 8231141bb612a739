package io.nucleon.binding.nats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.DataBindingConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.spi.DataBindingContext;
import java.util.List;
import java.util.Map;

/**
 * A function.yaml with one data binding named "bus" of kind nats, for the config tests. Line {@code i} (0-based) of
 * the binding's body is on line {@code 8 + i}.
 */
final class BindingYaml {

    static final String WHERE = "spec.dataBindings.bus";

    private BindingYaml() {}

    /**
     * @param lines the binding's body below {@code kind: nats}, indented relative to it
     * @param secrets the secrets' values, as the processor would have read them
     */
    static DataBindingContext context(List<String> lines, Map<String, String> secrets) {
        return new DataBindingContext(config(lines), "fn", secrets, new SimpleMeterRegistry());
    }

    static DataBindingContext context(String... lines) {
        return context(List.of(lines), Map.of());
    }

    static DataBindingConfig config(List<String> lines) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  dataBindings:
                    bus:
                      kind: nats
                """);
        lines.forEach(line -> yaml.append("      ").append(line).append('\n'));
        return FunctionConfigLoader.parse(yaml.toString(), "function.yaml")
                .spec()
                .dataBindings()
                .get("bus");
    }

    /** @return the line of body line {@code index} */
    static int line(int index) {
        return 8 + index;
    }
}
