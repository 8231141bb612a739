package io.nucleon.runtime.binding;

import io.nucleon.config.DataBindingConfig;
import io.nucleon.runtime.spi.DataBindingFactory;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The data binding kinds on the classpath, found through {@link ServiceLoader}, by kind and alias. */
final class DataBindingFactories {

    private final Map<String, DataBindingFactory> byKind = new TreeMap<>();

    DataBindingFactories(ClassLoader loader) {
        for (DataBindingFactory factory : ServiceLoader.load(DataBindingFactory.class, loader)) {
            byKind.put(factory.kind(), factory);
            factory.aliases().forEach(alias -> byKind.putIfAbsent(alias, factory));
        }
    }

    DataBindingFactory forBinding(DataBindingConfig binding) {
        DataBindingFactory factory = byKind.get(binding.kind());
        if (factory == null) {
            throw binding.node()
                    .required("kind")
                    .error("unknown data binding kind '" + binding.kind() + "' (available: "
                            + (byKind.isEmpty() ? "none" : String.join(", ", byKind.keySet())) + ")");
        }
        return factory;
    }
}
