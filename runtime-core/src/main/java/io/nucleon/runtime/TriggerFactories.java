package io.nucleon.runtime;

import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.spi.TriggerFactory;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The trigger kinds on the classpath, found through {@link ServiceLoader}, by kind and alias. */
final class TriggerFactories {

    private final Map<String, TriggerFactory> byKind = new TreeMap<>();

    TriggerFactories(ClassLoader loader) {
        for (TriggerFactory factory : ServiceLoader.load(TriggerFactory.class, loader)) {
            byKind.put(factory.kind(), factory);
            factory.aliases().forEach(alias -> byKind.putIfAbsent(alias, factory));
        }
    }

    TriggerFactory forTrigger(TriggerConfig trigger) {
        TriggerFactory factory = byKind.get(trigger.kind());
        if (factory == null) {
            throw trigger.node()
                    .child("kind")
                    .orElse(trigger.node())
                    .error("unknown trigger kind '" + trigger.kind() + "' (available: "
                            + (byKind.isEmpty() ? "none" : String.join(", ", byKind.keySet())) + ")");
        }
        return factory;
    }
}
