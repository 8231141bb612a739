package io.nucleon.trigger.nats;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.config.TriggerConfig;
import java.util.List;

/**
 * A function.yaml with one trigger named "orders", for the config tests. Attribute {@code i} (0-based)
 * is on line {@code 10 + i}.
 */
final class ConfigYaml {

    static final String WHERE = "spec.triggers.orders.attributes";

    private ConfigYaml() {}

    static TriggerConfig trigger(String kind, int numWorkers, List<String> attributes) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: fn
                spec:
                  handler: com.example.Handler
                  triggers:
                    orders:
                      kind: %s
                      numWorkers: %d
                      attributes:
                """.formatted(kind, numWorkers));
        attributes.forEach(line -> yaml.append("        ").append(line).append('\n'));
        return FunctionConfigLoader.parse(yaml.toString(), "function.yaml")
                .spec()
                .triggers()
                .get("orders");
    }

    /** @return the line of attribute {@code index} */
    static int line(int index) {
        return 10 + index;
    }
}
